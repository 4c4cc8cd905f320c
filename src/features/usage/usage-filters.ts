import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  integrationGroupSchema,
  keyIdSchema,
  statsQuerySchema,
  type IntegrationGroup,
  type StatsQuery,
} from '@shared/contracts';
import { lastDays, todayUtc } from '@/lib/date-range';

export const RANGE_PRESETS = [
  { value: '7d', label: '7 days', days: 7 },
  { value: '30d', label: '30 days', days: 30 },
  { value: 'custom', label: 'Custom' },
] as const;

export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];

export interface UsageRange {
  preset: RangePreset;
  from: string;
  to: string;
}

export function presetRange(preset: Exclude<RangePreset, 'custom'>, now: Date = new Date()): UsageRange {
  const days = preset === '7d' ? 7 : 30;
  return { preset, ...lastDays(days, now) };
}

/** Problems with a custom range, checked like the API checks it, plus "not in the future". */
export function rangeProblem(from: string, to: string, today: string = todayUtc()): string | null {
  if (!from || !to) return 'Choose both a start and an end date.';
  if (to > today) return 'The end date cannot be in the future.';
  const parsed = statsQuerySchema.safeParse({ from, to });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'That range is not valid.';
    return message.charAt(0).toUpperCase() + message.slice(1) + (message.endsWith('.') ? '' : '.');
  }
  return null;
}

function readRange(params: URLSearchParams): UsageRange {
  const preset = params.get('range');
  if (preset === '7d') return presetRange('7d');
  if (preset === 'custom') {
    const from = params.get('from') ?? '';
    const to = params.get('to') ?? '';
    if (!rangeProblem(from, to)) return { preset: 'custom', from, to };
  }
  return presetRange('30d');
}

/**
 * The Usage page's range and its key or integration, kept in the URL so a view can be bookmarked
 * or shared. A key and an integration do not go together (the API refuses both): choosing one
 * clears the other.
 */
export function useUsageFilters() {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => readRange(params), [params]);
  const rawKey = params.get('key');
  const keyId = rawKey && keyIdSchema.safeParse(rawKey).success ? rawKey : null;
  const rawIntegration = integrationGroupSchema.safeParse(params.get('integration'));
  const integration: IntegrationGroup | null =
    keyId === null && rawIntegration.success ? rawIntegration.data : null;

  const setRange = useCallback(
    (next: UsageRange) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          updated.set('range', next.preset);
          if (next.preset === 'custom') {
            updated.set('from', next.from);
            updated.set('to', next.to);
          } else {
            updated.delete('from');
            updated.delete('to');
          }
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  const setKeyId = useCallback(
    (next: string | null) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next) {
            updated.set('key', next);
            updated.delete('integration');
          } else updated.delete('key');
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  const setIntegration = useCallback(
    (next: IntegrationGroup | null) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next) {
            updated.set('integration', next);
            updated.delete('key');
          } else updated.delete('integration');
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  const query: StatsQuery = useMemo(
    () => ({
      from: range.from,
      to: range.to,
      ...(keyId ? { key_id: keyId } : {}),
      ...(integration ? { integration } : {}),
    }),
    [range.from, range.to, keyId, integration],
  );

  return { range, keyId, integration, query, setRange, setKeyId, setIntegration };
}
