import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { auditLogQuerySchema } from '@shared/teams';
import type { AuditLogFilters } from '@/features/audit-log/api/get-audit-log';

const FILTER_NAMES = ['action', 'actor', 'from', 'to'] as const;

/**
 * The log's filters, kept in the URL so a view can be shared. Each parameter is checked with
 * the contract's schema on its own, so one bad value (an edited link) drops that filter only.
 */
export function useAuditFilters() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const read: AuditLogFilters = {};
    for (const name of FILTER_NAMES) {
      const value = params.get(name);
      if (value === null || value === '') continue;
      const parsed = auditLogQuerySchema.safeParse({ [name]: value });
      if (parsed.success) Object.assign(read, parsed.data);
    }
    return read;
  }, [params]);

  const setFilters = useCallback(
    (next: AuditLogFilters) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          for (const name of FILTER_NAMES) {
            const value = next[name];
            if (value) updated.set(name, value);
            else updated.delete(name);
          }
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  return { filters, setFilters };
}

/** "key.caps_changed" → "Key caps changed". */
export function actionLabel(action: string): string {
  const words = action.replace('.', ' ').replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
