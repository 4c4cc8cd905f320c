import { Send, Trash2, Webhook as WebhookIcon } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { registerWebhookRequestSchema, type Webhook, type WebhookDelivery } from '@shared/contracts';
import { ShownOnce } from '@/components/shown-once';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { describeError } from '@/lib/api-error';
import { formatDate } from '@/lib/format';
import { useDeleteWebhook } from '@/features/alerts/api/delete-webhook';
import { useRegisterWebhook } from '@/features/alerts/api/register-webhook';
import { useSendTestEvent } from '@/features/alerts/api/send-test-event';

/** The one display of a signing secret: after "Done" it is gone for good. */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div className="space-y-4">
      <ShownOnce
        warning={
          <>
            <strong className="font-semibold">This signing secret will not be shown again.</strong> Copy it
            into your receiver now: it checks the <code>Keymeter-Signature</code> header with it. Registering
            the URL again makes a new one.
          </>
        }
        label="Signing secret"
        value={secret}
        copyLabel="Copy secret"
      />
      <div className="flex justify-end">
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

/**
 * `register` belongs to the card: once the webhook is saved this form is gone, and the secret
 * must still reach the card that shows it.
 */
function UrlForm({
  current,
  register,
  onRegistered,
  onCancel,
}: {
  current: string;
  register: ReturnType<typeof useRegisterWebhook>;
  onRegistered: (secret: string) => void;
  onCancel?: () => void;
}) {
  const [url, setUrl] = useState(current);
  const [error, setError] = useState<string | undefined>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = registerWebhookRequestSchema.safeParse({ url });
    if (!parsed.success) {
      setError('Enter an https:// URL, without a user name, password or #fragment.');
      return;
    }
    setError(undefined);
    register.mutateAsync(parsed.data).then(
      ({ secret }) => onRegistered(secret),
      // The functions name the field in their message ("url: use https://."); the form already does.
      (failure: unknown) => {
        const text = describeError(failure).replace(/^url:\s*/i, '');
        setError(text.charAt(0).toUpperCase() + text.slice(1));
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Field
        label="Endpoint URL"
        hint="Keymeter POSTs each alert here as signed JSON. https:// only; a new secret each time you register."
        error={error}
      >
        {(props) => (
          <Input
            {...props}
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="https://example.com/keymeter/webhook"
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <div className="flex justify-end gap-2">
        {onCancel && (
          <Button variant="secondary" onClick={onCancel} disabled={register.isPending}>
            Cancel
          </Button>
        )}
        <Button type="submit" loading={register.isPending}>
          Register webhook
        </Button>
      </div>
    </form>
  );
}

function testOutcome(delivery: WebhookDelivery): { tone: 'success' | 'error'; title: string } {
  const last = delivery.attempts.at(-1);
  if (delivery.status === 'delivered')
    return { tone: 'success', title: `Test event delivered (HTTP ${last?.status_code ?? ''})` };
  const what = last?.status_code != null ? `answered HTTP ${last.status_code}` : (last?.error ?? 'failed');
  return { tone: 'error', title: `The receiver ${what}; Keymeter will retry it` };
}

/** Where webhook events go, their secret (once), a test event and removal. */
export function WebhookCard({ webhook, mayManage }: { webhook: Webhook | null; mayManage: boolean }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const register = useRegisterWebhook();
  const remove = useDeleteWebhook();
  const test = useSendTestEvent();
  const notify = useToast();

  const registered = (value: string) => {
    setSecret(value);
    setEditing(false);
  };

  let body;
  if (secret !== null) body = <SecretOnce secret={secret} onDone={() => setSecret(null)} />;
  else if (webhook === null || editing)
    body = mayManage ? (
      <UrlForm
        current={webhook?.url ?? ''}
        register={register}
        onRegistered={registered}
        {...(webhook === null ? {} : { onCancel: () => setEditing(false) })}
      />
    ) : (
      <p className="text-sm text-zinc-500">No webhook is registered.</p>
    );
  else
    body = (
      <div className="space-y-4">
        <div>
          <p className="text-sm font-medium text-zinc-800">Endpoint URL</p>
          <p className="mt-1 font-mono text-[13px] break-all text-zinc-900">{webhook.url}</p>
          <p className="mt-1 text-xs text-zinc-500">Registered {formatDate(webhook.created_at)}</p>
        </div>
        {mayManage && (
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              loading={test.isPending}
              onClick={() =>
                test.mutate(undefined, {
                  onSuccess: (delivery) => notify(testOutcome(delivery)),
                  onError: (error) =>
                    notify({
                      tone: 'error',
                      title: "Couldn't send a test event",
                      description: describeError(error),
                    }),
                })
              }
            >
              {!test.isPending && <Send className="size-4" aria-hidden />}
              Send test event
            </Button>
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Change URL
            </Button>
            <Button variant="danger-outline" onClick={() => setRemoving(true)}>
              <Trash2 className="size-4" aria-hidden />
              Remove
            </Button>
          </div>
        )}
      </div>
    );

  return (
    <Card aria-labelledby="webhook-title">
      <CardHeader
        titleId="webhook-title"
        title={
          <span className="inline-flex items-center gap-2">
            <WebhookIcon className="size-4 text-zinc-400" aria-hidden />
            Webhook
          </span>
        }
        description="Signed with HMAC-SHA256; retried with backoff for more than a day until your endpoint answers 2xx."
      />
      <CardContent>{body}</CardContent>
      <ConfirmDialog
        open={removing}
        onOpenChange={setRemoving}
        title="Remove the webhook?"
        description="Keymeter stops sending alerts to this URL, and deliveries still being retried are dropped."
        confirmLabel="Remove webhook"
        pending={remove.isPending}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              setRemoving(false);
              notify({ tone: 'success', title: 'Webhook removed' });
            },
            onError: (error) =>
              notify({
                tone: 'error',
                title: "Couldn't remove the webhook",
                description: describeError(error),
              }),
          })
        }
      />
    </Card>
  );
}
