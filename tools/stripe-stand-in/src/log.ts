/**
 * Every log line the stand-in writes, named and structured in one place. Secrets never appear:
 * API keys are not logged at all and webhook secrets only when the stand-in generated one that
 * the developer has no other way to learn.
 */
export type LogEntry =
  | {
      event: 'api.request';
      method: string;
      path: string;
      status: number;
      duration_ms: number;
      request_id: string;
    }
  | { event: 'api.param_ignored'; endpoint: string; param: string }
  | { event: 'api.internal_error'; method: string; path: string; message: string }
  | {
      event: 'webhook.attempt';
      delivery_id: string;
      event_id: string;
      event_type: string;
      url: string;
      attempt: number;
      max_attempts: number;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
      outcome: 'succeeded' | 'retrying' | 'failed';
      retry_in_ms: number | null;
    }
  | { event: 'webhook.secret_generated'; url: string; secret: string }
  | { event: 'clock.advanced'; from: number; to: number; events: number }
  | { event: 'data_file.loaded'; path: string }
  | { event: 'data_file.save_failed'; path: string; message: string };

export type Logger = (entry: LogEntry) => void;

export const silentLogger: Logger = () => undefined;

function iso(unix: number): string {
  return new Date(unix * 1000).toISOString();
}

export function formatLogEntry(entry: LogEntry): string {
  switch (entry.event) {
    case 'api.request':
      return `${entry.method} ${entry.path} → ${entry.status} (${entry.duration_ms} ms, ${entry.request_id})`;
    case 'api.param_ignored':
      return `${entry.endpoint}: accepted but ignored parameter ${entry.param} (not modelled by the stand-in)`;
    case 'api.internal_error':
      return `${entry.method} ${entry.path} failed inside the stand-in: ${entry.message}`;
    case 'webhook.attempt': {
      const result =
        entry.status_code === null ? (entry.error ?? 'no response') : `HTTP ${entry.status_code}`;
      const next =
        entry.outcome === 'retrying'
          ? `, retrying in ${entry.retry_in_ms ?? 0} ms`
          : entry.outcome === 'failed'
            ? ', giving up'
            : '';
      return `webhook ${entry.event_type} ${entry.event_id} → ${entry.url}: ${result} (attempt ${entry.attempt} of ${entry.max_attempts}, ${entry.duration_ms} ms${next})`;
    }
    case 'webhook.secret_generated':
      return `webhooks to ${entry.url} are signed with the generated secret ${entry.secret} (pass --webhook-secret to choose one)`;
    case 'clock.advanced':
      return `clock advanced ${iso(entry.from)} → ${iso(entry.to)}, ${entry.events} event(s) created`;
    case 'data_file.loaded':
      return `state loaded from ${entry.path}`;
    case 'data_file.save_failed':
      return `could not save state to ${entry.path}: ${entry.message}`;
  }
}

export const consoleLogger: Logger = (entry) => {
  const line = `[stripe-stand-in] ${formatLogEntry(entry)}`;
  if (entry.event === 'api.internal_error' || entry.event === 'data_file.save_failed') console.error(line);
  else console.log(line);
};
