import { AlertCircle } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { TEAM_NAME_MAX_LENGTH, createTeamRequestSchema } from '@shared/teams';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { accountPagePath, paths } from '@/config/paths';
import { apiErrorField, fieldErrors, type FieldErrors } from '@/lib/form';
import { useCreateTeam } from '@/features/team/api/create-team';
import { describeTeamError } from '@/features/team/team-errors';

type TeamField = 'name' | 'slug';

function CreateTeamForm({ onDone, onCreated }: { onDone: () => void; onCreated?: (() => void) | undefined }) {
  const createTeam = useCreateTeam();
  const navigate = useNavigate();
  const notify = useToast();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [errors, setErrors] = useState<FieldErrors<TeamField | 'form'>>({});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A blank slug is left to the API, which makes one from the name.
    const parsed = createTeamRequestSchema.safeParse({ name, ...(slug.trim() ? { slug: slug.trim() } : {}) });
    if (!parsed.success) {
      setErrors(fieldErrors<TeamField>(parsed.error));
      return;
    }
    setErrors({});
    createTeam.mutate(parsed.data, {
      onSuccess: ({ account }) => {
        notify({ tone: 'success', title: `“${account.name}” is ready`, description: 'You are its owner.' });
        onDone();
        void navigate(accountPagePath(account.slug, paths.overview));
        onCreated?.();
      },
      onError: (error) => {
        const field = apiErrorField(error);
        const message = describeTeamError(error);
        setErrors(field === 'name' || field === 'slug' ? { [field]: message } : { form: message });
      },
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {errors.form && (
        <p role="alert" className="flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {errors.form}
        </p>
      )}
      <Field label="Team name" error={errors.name}>
        {(props) => (
          <Input
            {...props}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={TEAM_NAME_MAX_LENGTH}
            placeholder="Acme Inc."
            autoComplete="organization"
            autoFocus
          />
        )}
      </Field>
      <Field
        label="URL name (optional)"
        hint="Lower-case letters, digits and hyphens, as in /dashboard/t/acme. Blank: made from the name."
        error={errors.slug}
      >
        {(props) => (
          <Input
            {...props}
            value={slug}
            onChange={(event) => setSlug(event.target.value)}
            placeholder="acme"
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={createTeam.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={createTeam.isPending}>
          Create team
        </Button>
      </DialogFooter>
    </form>
  );
}

/** A new team account, the caller its owner; on success the dashboard opens the team. */
export function CreateTeamDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated?: (() => void) | undefined;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open && (
        <DialogContent
          title="Create a team"
          description="A team has its own keys, usage, plan and billing, shared with the people you invite."
        >
          <CreateTeamForm onDone={() => onOpenChange(false)} onCreated={onCreated} />
        </DialogContent>
      )}
    </Dialog>
  );
}
