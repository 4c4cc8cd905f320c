import type { ApiKey, KeyStatus } from '@shared/contracts';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatDateTime, formatRelative } from '@/lib/format';

const LOOK: Record<KeyStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  expiring: { tone: 'warning', label: 'Expiring' },
  expired: { tone: 'neutral', label: 'Expired' },
  revoked: { tone: 'danger', label: 'Revoked' },
};

function detail(key: ApiKey): string | undefined {
  if (key.status === 'revoked' && key.revoked_at) return `Revoked ${formatDateTime(key.revoked_at)}`;
  if (key.expires_at && (key.status === 'expiring' || key.status === 'expired' || key.status === 'active')) {
    return `${key.status === 'expired' ? 'Expired' : 'Expires'} ${formatRelative(key.expires_at)} (${formatDateTime(key.expires_at)})`;
  }
  return undefined;
}

export function KeyStatusBadge({ apiKey }: { apiKey: ApiKey }) {
  const look = LOOK[apiKey.status];
  const title = detail(apiKey);
  return (
    <Badge tone={look.tone} title={title}>
      <span
        aria-hidden
        className={
          apiKey.status === 'active'
            ? 'size-1.5 rounded-full bg-emerald-500'
            : apiKey.status === 'expiring'
              ? 'size-1.5 rounded-full bg-amber-500'
              : 'size-1.5 rounded-full bg-current opacity-50'
        }
      />
      {look.label}
    </Badge>
  );
}

export function maskedKey(key: Pick<ApiKey, 'key_prefix' | 'key_hint'>): string {
  return `${key.key_prefix}…${key.key_hint}`;
}
