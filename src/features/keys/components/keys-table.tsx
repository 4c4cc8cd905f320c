import { Ban, Braces, Gauge, MoreHorizontal, Pencil, RefreshCw } from 'lucide-react';
import { INTEGRATION_LABELS, type ApiKey, type KeyStatus } from '@shared/contracts';
import { Badge } from '@/components/ui/badge';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { cn } from '@/lib/cn';
import { formatCaps, formatDate, formatDateTime, formatRelative } from '@/lib/format';
import { KeyStatusBadge, maskedKey } from '@/features/keys/components/key-status-badge';

const STATUS_ORDER: Record<KeyStatus, number> = { expiring: 0, active: 0, expired: 1, revoked: 2 };

/** Usable keys first, newest first within each group. */
export function sortKeys(keys: ApiKey[]): ApiKey[] {
  return [...keys].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.created_at.localeCompare(a.created_at),
  );
}

export type KeyAction = 'rename' | 'limits' | 'metadata' | 'roll' | 'revoke';

/**
 * A key's menu. Whoever may change the key gets every action its status allows; anyone else who
 * can see the key (a viewer, a member looking at another's key) only reads its metadata.
 */
function KeyActions({
  apiKey,
  manage,
  onAction,
}: {
  apiKey: ApiKey;
  manage: boolean;
  onAction: (action: KeyAction, key: ApiKey) => void;
}) {
  const usable = apiKey.status === 'active' || apiKey.status === 'expiring';
  const metadata = (
    <DropdownMenuItem onSelect={() => onAction('metadata', apiKey)}>
      <Braces className="size-4 text-zinc-400" aria-hidden />
      Metadata
    </DropdownMenuItem>
  );
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        aria-label={`Actions for ${apiKey.label}`}
        className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-brand-600 data-[state=open]:bg-zinc-100"
      >
        <MoreHorizontal className="size-5" aria-hidden />
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        {!manage && metadata}
        {manage && (
          <DropdownMenuItem onSelect={() => onAction('rename', apiKey)}>
            <Pencil className="size-4 text-zinc-400" aria-hidden />
            Rename
          </DropdownMenuItem>
        )}
        {manage && metadata}
        {manage && usable && (
          <>
            <DropdownMenuItem onSelect={() => onAction('limits', apiKey)}>
              <Gauge className="size-4 text-zinc-400" aria-hidden />
              Set limits
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => onAction('roll', apiKey)}>
              <RefreshCw className="size-4 text-zinc-400" aria-hidden />
              Roll key
            </DropdownMenuItem>
            <DropdownMenuSeparator />
            <DropdownMenuItem destructive onSelect={() => onAction('revoke', apiKey)}>
              <Ban className="size-4" aria-hidden />
              Revoke
            </DropdownMenuItem>
          </>
        )}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

export function KeysTable({
  keys,
  onAction,
  mayManage = () => true,
  mine,
}: {
  keys: ApiKey[];
  onAction: (action: KeyAction, key: ApiKey) => void;
  /**
   * Whether the caller's role may change this key: otherwise its menu only shows its metadata,
   * and only when it has some.
   */
  mayManage?: (key: ApiKey) => boolean;
  /** In a team: the keys the caller created, marked as its own. */
  mine?: ((key: ApiKey) => boolean) | undefined;
}) {
  return (
    <Table label="API keys">
      <THead>
        <TR>
          <TH>Key</TH>
          <TH className="hidden md:table-cell">Created</TH>
          <TH className="hidden sm:table-cell">Last used</TH>
          <TH className="w-12">
            <span className="sr-only">Actions</span>
          </TH>
        </TR>
      </THead>
      <TBody>
        {sortKeys(keys).map((key) => {
          const inactive = key.status === 'revoked' || key.status === 'expired';
          const caps = formatCaps(key);
          return (
            <TR key={key.id} className={cn(inactive && 'bg-zinc-50/50')}>
              <TD className="max-w-[15rem] sm:max-w-sm">
                <div className="flex min-w-0 items-center gap-2">
                  <p
                    className={cn('truncate font-medium', inactive ? 'text-zinc-500' : 'text-zinc-900')}
                    title={key.label}
                  >
                    {key.label}
                  </p>
                  <KeyStatusBadge apiKey={key} />
                  {key.integration !== null && (
                    <Badge
                      tone="info"
                      className="px-1.5 py-0 text-[11px]"
                      title={`Used with ${INTEGRATION_LABELS[key.integration]}`}
                    >
                      {INTEGRATION_LABELS[key.integration]}
                    </Badge>
                  )}
                  {mine?.(key) && (
                    <Badge tone="brand" className="px-1.5 py-0 text-[11px]">
                      Yours
                    </Badge>
                  )}
                </div>
                <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
                  <code className="font-mono whitespace-nowrap text-zinc-500">{maskedKey(key)}</code>
                  <span className="hidden gap-1 sm:inline-flex">
                    {key.scopes.map((scope) => (
                      <Badge key={scope} className="px-1.5 py-0 text-[11px]">
                        {scope}
                      </Badge>
                    ))}
                  </span>
                  {caps.map((cap) => (
                    <Badge key={cap} tone="info" className="px-1.5 py-0 text-[11px]">
                      {cap}
                    </Badge>
                  ))}
                </p>
                <p className="mt-0.5 text-xs text-zinc-500 sm:hidden">
                  {key.last_used_at ? `Used ${formatRelative(key.last_used_at)}` : 'Never used'}
                </p>
              </TD>
              <TD className="hidden whitespace-nowrap md:table-cell">
                <time dateTime={key.created_at} title={formatDateTime(key.created_at)}>
                  {formatDate(key.created_at)}
                </time>
              </TD>
              <TD className="hidden whitespace-nowrap sm:table-cell">
                {key.last_used_at ? (
                  <time dateTime={key.last_used_at} title={formatDateTime(key.last_used_at)}>
                    {formatRelative(key.last_used_at)}
                  </time>
                ) : (
                  <span className="text-zinc-400">Never</span>
                )}
              </TD>
              <TD className="text-right">
                {(mayManage(key) || key.metadata !== null) && (
                  <KeyActions apiKey={key} manage={mayManage(key)} onAction={onAction} />
                )}
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
