import { AlertCircle, CheckCircle2, Circle, X } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { ApiKey, OnboardingResponse, OnboardingStep } from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { can } from '@shared/roles';
import { CurlExample } from '@/components/curl-example';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { paths } from '@/config/paths';
import { useActiveAccount } from '@/lib/active-account';
import { useKeys } from '@/lib/api/get-keys';
import { describeError } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import { useAccountLink } from '@/lib/navigation';
import { useOnboarding } from '@/features/overview/api/get-onboarding';
import { useUpdateOnboarding } from '@/features/overview/api/update-onboarding';

const STEP_TITLES: Record<OnboardingStep, string> = {
  create_key: 'Create an API key',
  first_call: 'Make your first call',
  call_counted: 'See it counted',
  pick_plan: 'Pick a plan',
};

/** What the first-call sample shows for the key: its prefix (the secret is never shown twice). */
function keyPlaceholder(keys: readonly ApiKey[] | undefined): string {
  const newest = (keys ?? [])
    .filter((key) => key.status === 'active' || key.status === 'expiring')
    .sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  return newest ? `${newest.key_prefix}…` : 'sk_live_YOUR_KEY';
}

function StepDetails({
  step,
  keys,
  onStayOnFree,
  stayingOnFree,
}: {
  step: OnboardingStep;
  keys: readonly ApiKey[] | undefined;
  onStayOnFree: () => void;
  stayingOnFree: boolean;
}) {
  const link = useAccountLink();
  const actions = (children: ReactNode) => <div className="mt-3 flex flex-wrap gap-2">{children}</div>;
  switch (step) {
    case 'create_key':
      return (
        <>
          <p>A key lets your program call the API. It is shown once, when you create it.</p>
          {actions(
            <Button asChild size="sm">
              <Link to={link(`${paths.keys}?create=1`)}>Create a key</Link>
            </Button>,
          )}
        </>
      );
    case 'first_call':
      return (
        <>
          <p>
            Send a request with your whole key, from a terminal or your program. This step ticks itself
            seconds after the call arrives.
          </p>
          <div className="mt-3">
            <CurlExample secret={keyPlaceholder(keys)} label="Your first call" />
          </div>
          {actions(
            <Button asChild size="sm" variant="secondary">
              <Link to={paths.docs}>Try it in the API reference</Link>
            </Button>,
          )}
        </>
      );
    case 'call_counted':
      return (
        <>
          <p>Calls are added to your usage moments after they are made, by endpoint, status and key.</p>
          {actions(
            <Button asChild size="sm" variant="secondary">
              <Link to={link(paths.usage)}>Open Usage</Link>
            </Button>,
          )}
        </>
      );
    case 'pick_plan':
      return (
        <>
          <p>
            Free includes {formatNumber(PLANS.free.monthly_limit)} units a month. Compare the paid plans, or
            keep Free for now.
          </p>
          {actions(
            <>
              <Button asChild size="sm" variant="secondary">
                <Link to={link(paths.billing)}>Compare plans</Link>
              </Button>
              <Button size="sm" variant="secondary" onClick={onStayOnFree} loading={stayingOnFree}>
                Stay on Free
              </Button>
            </>,
          )}
        </>
      );
  }
}

function Checklist({ checklist }: { checklist: OnboardingResponse }) {
  const keys = useKeys();
  const update = useUpdateOnboarding();
  const [pending, setPending] = useState<'dismiss' | 'stay_on_free' | null>(null);
  const done = checklist.steps.filter((step) => step.done).length;
  const total = checklist.steps.length;

  function send(action: 'dismiss' | 'stay_on_free') {
    setPending(action);
    update.mutate(action === 'dismiss' ? { dismissed: true } : { stay_on_free: true }, {
      onSettled: () => setPending(null),
    });
  }

  return (
    <Card aria-labelledby="onboarding-title">
      <CardHeader
        titleId="onboarding-title"
        title={checklist.complete ? 'All set' : 'Get started'}
        description={
          checklist.complete
            ? 'Your key works and its calls are counted. You can hide this checklist now.'
            : 'From a new key to a counted call. Each step ticks itself as you go.'
        }
        action={
          <Button variant="ghost" size="sm" onClick={() => send('dismiss')} loading={pending === 'dismiss'}>
            {pending !== 'dismiss' && <X className="size-4" aria-hidden />}
            Dismiss
          </Button>
        }
      />
      <CardContent>
        {update.isError && (
          <p role="alert" className="mb-4 flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
            <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
            {describeError(update.error)}
          </p>
        )}
        <div className="flex items-center gap-3">
          <p id="onboarding-progress" className="text-sm font-medium whitespace-nowrap text-zinc-700">
            {done} of {total} done
          </p>
          <div aria-hidden className="h-1.5 w-full max-w-xs overflow-hidden rounded-full bg-zinc-100">
            <div
              className="h-full rounded-full bg-emerald-500 transition-[width] duration-500"
              style={{ width: `${total > 0 ? (done / total) * 100 : 0}%` }}
            />
          </div>
        </div>
        <ol aria-label="Steps" aria-describedby="onboarding-progress" className="mt-4 space-y-3">
          {checklist.steps.map((step) => (
            <li
              key={step.id}
              className={cn(
                'flex gap-3 rounded-lg p-3 ring-1',
                step.done ? 'ring-zinc-100' : 'ring-zinc-200',
              )}
            >
              {step.done ? (
                <CheckCircle2 className="mt-0.5 size-5 shrink-0 text-emerald-600" aria-hidden />
              ) : (
                <Circle className="mt-0.5 size-5 shrink-0 text-zinc-300" aria-hidden />
              )}
              <div className="min-w-0 flex-1 text-sm text-zinc-600">
                <p className="flex flex-wrap items-center gap-x-2">
                  <span className={cn('font-medium', step.done ? 'text-zinc-500' : 'text-zinc-900')}>
                    {STEP_TITLES[step.id]}
                  </span>
                  <span className={cn('text-xs', step.done ? 'text-emerald-700' : 'text-zinc-500')}>
                    {step.done ? 'Done' : 'To do'}
                  </span>
                </p>
                {!step.done && (
                  <div className="mt-1">
                    <StepDetails
                      step={step.id}
                      keys={keys.data}
                      onStayOnFree={() => send('stay_on_free')}
                      stayingOnFree={pending === 'stay_on_free'}
                    />
                  </div>
                )}
              </div>
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}

/**
 * The first-run checklist at the top of Overview, for roles that create keys. It is not shown
 * once dismissed, nor to an account that had done every step before the page loaded; it ticks
 * itself by asking again every two seconds while shown, and says "All set" once complete.
 */
export function OnboardingChecklist() {
  const { role } = useActiveAccount();
  const mayCreate = can(role, 'manage_own_keys');
  // Whether every step was done at the first answer: an old account never sees the checklist.
  const [completeAtLoad, setCompleteAtLoad] = useState<boolean | null>(null);
  const onboarding = useOnboarding({ enabled: mayCreate, poll: completeAtLoad === false });
  const checklist = onboarding.data;
  if (checklist !== undefined && completeAtLoad === null) setCompleteAtLoad(checklist.complete);

  // Loading or failing, it stays out of the way: Overview's own cards say how the account is doing.
  if (!mayCreate || checklist === undefined || completeAtLoad !== false || checklist.dismissed) return null;
  return <Checklist checklist={checklist} />;
}
