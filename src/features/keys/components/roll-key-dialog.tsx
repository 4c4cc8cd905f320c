import { AlertCircle } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { ROLL_GRACE_DEFAULT_HOURS, type ApiKey, type RollKeyResponse } from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { cn } from '@/lib/cn';
import { describeError } from '@/lib/api-error';
import { useRollKey } from '@/features/keys/api/roll-key';
import { maskedKey } from '@/features/keys/components/key-status-badge';
import { SecretReveal } from '@/features/keys/components/secret-reveal';

export const GRACE_OPTIONS = [
  { hours: 0, label: 'Immediately', detail: 'The old key stops working now. Use this if it leaked.' },
  { hours: 1, label: 'In 1 hour', detail: 'Enough for a quick deploy.' },
  {
    hours: ROLL_GRACE_DEFAULT_HOURS,
    label: 'In 24 hours',
    detail: 'Time to update every server that uses it.',
  },
  { hours: 7 * 24, label: 'In 7 days', detail: 'For clients you cannot update right away.' },
] as const;

function RollForm({
  apiKey,
  onRolled,
  onCancel,
}: {
  apiKey: ApiKey;
  onRolled: (rolled: RollKeyResponse) => void;
  onCancel: () => void;
}) {
  const rollKey = useRollKey();
  const [hours, setHours] = useState<number>(ROLL_GRACE_DEFAULT_HOURS);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rollKey.mutate({ id: apiKey.id, body: { grace_period_hours: hours } }, { onSuccess: onRolled });
  }

  return (
    <form onSubmit={submit}>
      {rollKey.isError && (
        <p role="alert" className="mb-4 flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {describeError(rollKey.error)}
        </p>
      )}
      <fieldset>
        <legend className="text-sm font-medium text-zinc-800">When should the old key stop working?</legend>
        <div className="mt-2 space-y-2">
          {GRACE_OPTIONS.map((option) => (
            <label
              key={option.hours}
              className={cn(
                'flex cursor-pointer gap-3 rounded-lg p-3 ring-1 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600',
                hours === option.hours ? 'bg-brand-50/60 ring-brand-300' : 'ring-zinc-200 hover:bg-zinc-50',
              )}
            >
              <input
                type="radio"
                name="grace"
                className="mt-0.5 accent-brand-600"
                checked={hours === option.hours}
                onChange={() => setHours(option.hours)}
              />
              <span className="text-sm">
                <span className="block font-medium text-zinc-900">{option.label}</span>
                <span className="block text-zinc-500">{option.detail}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={rollKey.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={rollKey.isPending}>
          Roll key
        </Button>
      </DialogFooter>
    </form>
  );
}

function RollKeyBody({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const [rolled, setRolled] = useState<RollKeyResponse | null>(null);
  if (rolled) {
    return (
      <DialogContent
        title="Your key was rolled"
        description={`Replace ${maskedKey(rolled.previous)} with this key wherever it is used.`}
        onPointerDownOutside={(event) => event.preventDefault()}
      >
        <SecretReveal secret={rolled.secret} />
        <DialogFooter>
          <Button onClick={onClose}>I’ve saved my key</Button>
        </DialogFooter>
      </DialogContent>
    );
  }
  return (
    <DialogContent
      title={`Roll “${apiKey.label}”`}
      description="You get a new key with the same name, permissions and limits. The old one keeps working for the time you choose."
    >
      <RollForm apiKey={apiKey} onRolled={setRolled} onCancel={onClose} />
    </DialogContent>
  );
}

export function RollKeyDialog({
  apiKey,
  onOpenChange,
}: {
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={apiKey !== null} onOpenChange={onOpenChange}>
      {apiKey && <RollKeyBody apiKey={apiKey} onClose={() => onOpenChange(false)} />}
    </Dialog>
  );
}
