import { Download, ScrollText } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { AUDIT_ACTIONS, auditLogQuerySchema, type AuditEntry } from '@shared/teams';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Field, Input, Select } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { useCan } from '@/lib/active-account';
import { useMembers } from '@/lib/api/get-members';
import { describeError } from '@/lib/api-error';
import { todayUtc } from '@/lib/date-range';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useExportAuditLog } from '@/features/audit-log/api/export-audit-log';
import { useAuditLog, type AuditLogFilters } from '@/features/audit-log/api/get-audit-log';
import { actionLabel, useAuditFilters } from '@/features/audit-log/audit-filters';

/**
 * Action, actor and an optional range of UTC dates. Not the Usage page's range picker: its
 * presets are windows of usage, while a log is read from "everything kept" down, with either
 * end open. Changes apply on "Apply", so choosing several filters sends one request.
 */
function Filters({ value, onApply }: { value: AuditLogFilters; onApply: (next: AuditLogFilters) => void }) {
  const [draft, setDraft] = useState({
    action: value.action ?? '',
    actor: value.actor ?? '',
    from: value.from ?? '',
    to: value.to ?? '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  const today = todayUtc();
  const members = useMembers();
  // The API filters on the actor's id: a member's uid, or `stripe` for what its webhooks changed.
  const actors = [
    ...(members.data?.members ?? []).map((member) => ({
      id: member.uid,
      name: member.display_name ?? member.email ?? member.uid,
    })),
    { id: 'stripe', name: 'Stripe (billing events)' },
  ];
  if (value.actor && !actors.some((actor) => actor.id === value.actor)) {
    actors.push({ id: value.actor, name: value.actor });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = Object.fromEntries(Object.entries(draft).filter(([, text]) => text !== ''));
    const parsed = auditLogQuerySchema.safeParse(candidate);
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Those filters are not valid.');
      return;
    }
    if (parsed.data.from && parsed.data.to && parsed.data.from > parsed.data.to) {
      setProblem('The start date must not be after the end date.');
      return;
    }
    setProblem(null);
    onApply(parsed.data);
  }

  function clear() {
    setDraft({ action: '', actor: '', from: '', to: '' });
    setProblem(null);
    onApply({});
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Filter the audit log" className="space-y-3">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field label="Action">
          {(props) => (
            <Select
              {...props}
              value={draft.action}
              onChange={(event) => setDraft({ ...draft, action: event.target.value })}
            >
              <option value="">All actions</option>
              {AUDIT_ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {actionLabel(action)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Actor">
          {(props) => (
            <Select
              {...props}
              value={draft.actor}
              onChange={(event) => setDraft({ ...draft, actor: event.target.value })}
            >
              <option value="">Anyone</option>
              {actors.map((actor) => (
                <option key={actor.id} value={actor.id}>
                  {actor.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="From">
          {(props) => (
            <Input
              {...props}
              type="date"
              max={today}
              value={draft.from}
              onChange={(event) => setDraft({ ...draft, from: event.target.value })}
            />
          )}
        </Field>
        <Field label="To">
          {(props) => (
            <Input
              {...props}
              type="date"
              max={today}
              value={draft.to}
              onChange={(event) => setDraft({ ...draft, to: event.target.value })}
            />
          )}
        </Field>
      </div>
      {problem && (
        <p role="alert" className="text-xs font-medium text-rose-600">
          {problem}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="secondary" size="sm">
          Apply filters
        </Button>
        <Button type="button" variant="ghost" size="sm" onClick={clear}>
          Clear
        </Button>
      </div>
    </form>
  );
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  return (
    <TR>
      <TD className="whitespace-nowrap">
        <time dateTime={entry.at} title={formatDateTime(entry.at)}>
          {formatRelative(entry.at)}
        </time>
      </TD>
      <TD className="max-w-[12rem] truncate" title={entry.actor.id}>
        {entry.actor.email ?? entry.actor.id}
      </TD>
      <TD className="whitespace-nowrap" title={entry.action}>
        {actionLabel(entry.action)}
      </TD>
      <TD className="max-w-[14rem]">
        <p className="truncate text-zinc-900">{entry.target.label ?? entry.target.id}</p>
        <p className="truncate text-xs text-zinc-500">
          {entry.target.type}
          {entry.target.label !== null && <span className="font-mono"> {entry.target.id}</span>}
        </p>
      </TD>
      <TD className="font-mono text-xs whitespace-nowrap">{entry.client_ip ?? '—'}</TD>
      <TD className="font-mono text-xs whitespace-nowrap">{entry.request_id ?? '—'}</TD>
    </TR>
  );
}

function AuditLogTable({ filters }: { filters: AuditLogFilters }) {
  const log = useAuditLog(filters);
  if (log.isPending) {
    return (
      <LoadingRegion
        label="Loading the audit log"
        className="space-y-3 border-t border-zinc-200 px-5 py-5 sm:px-6"
      >
        {[0, 1, 2].map((row) => (
          <Skeleton key={row} className="h-10 w-full" />
        ))}
      </LoadingRegion>
    );
  }
  // A page after the first that fails keeps the entries already shown (its error is below them).
  if (log.data === undefined) {
    return (
      <ErrorState
        title="Couldn't load the audit log"
        error={log.error}
        onRetry={() => void log.refetch()}
        retrying={log.isFetching}
        className="border-t border-zinc-200"
      />
    );
  }
  const entries = log.data.pages.flatMap((page) => page.entries);
  const retention = log.data.pages[0]?.retention_days;
  const filtered = Object.keys(filters).length > 0;
  return (
    <div className="border-t border-zinc-200">
      {entries.length === 0 ? (
        <EmptyState
          icon={ScrollText}
          title={filtered ? 'No entries match these filters' : 'Nothing logged yet'}
          description={
            filtered
              ? 'Try another action or actor, or a wider range of dates.'
              : 'Changes to keys, members, billing and alerts appear here as they happen.'
          }
        />
      ) : (
        <Table label="Audit log entries">
          <THead>
            <TR>
              <TH>Time</TH>
              <TH>Actor</TH>
              <TH>Action</TH>
              <TH>Target</TH>
              <TH>Client IP</TH>
              <TH>Request ID</TH>
            </TR>
          </THead>
          <TBody>
            {entries.map((entry) => (
              <EntryRow key={entry.id} entry={entry} />
            ))}
          </TBody>
        </Table>
      )}
      <div className="flex flex-wrap items-center justify-between gap-3 px-5 py-4 sm:px-6">
        <p className="text-xs text-zinc-500">
          {retention !== undefined && `Entries are kept ${retention} days on this plan.`} Client IPs are as
          the request reported them.
        </p>
        {log.hasNextPage && (
          <Button
            variant="secondary"
            size="sm"
            onClick={() => void log.fetchNextPage()}
            loading={log.isFetchingNextPage}
          >
            Load more
          </Button>
        )}
      </div>
      {log.isFetchNextPageError && (
        <p role="alert" className="px-5 pb-4 text-sm text-rose-700 sm:px-6">
          Couldn’t load more: {describeError(log.error)}
        </p>
      )}
    </div>
  );
}

/** Who did what in the account, when and from where; owners and admins only. */
export function AuditLogPanel() {
  const mayRead = useCan('read_audit_log');
  const { filters, setFilters } = useAuditFilters();
  const exportLog = useExportAuditLog();
  const notify = useToast();

  if (!mayRead) {
    return (
      <Notice tone="neutral" title="Only owners and admins read the audit log">
        Ask the team’s owner or an admin if you need to know who changed something.
      </Notice>
    );
  }

  function download() {
    exportLog.mutate(filters, {
      onSuccess: () =>
        notify({ tone: 'success', title: 'CSV downloaded', description: 'The audit log, as filtered.' }),
      onError: (error) =>
        notify({ tone: 'error', title: "Couldn't export CSV", description: describeError(error) }),
    });
  }

  return (
    <Card aria-labelledby="audit-log-title">
      <CardHeader
        titleId="audit-log-title"
        title="Entries"
        description="Newest first. Times are shown in your time zone; dates filter in UTC."
        className="pb-5"
        action={
          <Button variant="secondary" onClick={download} loading={exportLog.isPending}>
            {!exportLog.isPending && <Download className="size-4" aria-hidden />}
            Export CSV
          </Button>
        }
      />
      <div className="border-t border-zinc-200 px-5 py-5 sm:px-6">
        <Filters value={filters} onApply={setFilters} />
      </div>
      <AuditLogTable filters={filters} />
    </Card>
  );
}
