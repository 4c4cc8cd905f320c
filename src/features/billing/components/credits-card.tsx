import { Coins } from 'lucide-react';
import { useState } from 'react';
import type { CreditLedgerEntry } from '@shared/contracts';
import { CREDIT_PACK_IDS, CREDIT_PACKS, type CreditPackId } from '@shared/credit-packs';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SegmentedControl } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatDate, formatNumber } from '@/lib/format';
import { leaveTo } from '@/lib/navigation';
import { useCreateCreditsCheckout } from '@/features/billing/api/create-credits-checkout';
import { useCredits } from '@/features/billing/api/get-credits';
import { describeBillingError } from '@/features/billing/billing-errors';
import { formatMoney } from '@/features/billing/money';

const ENTRY_LABEL: Record<CreditLedgerEntry['kind'], string> = {
  grant: 'Credit pack bought',
  usage: 'Calls',
  adjustment: 'Adjustment',
};

function entryDescription(entry: CreditLedgerEntry): string {
  if (entry.kind === 'usage' && entry.date !== null) return `Calls on ${formatDate(entry.date)}`;
  if (entry.kind === 'adjustment' && entry.reason) return `Adjustment: ${entry.reason}`;
  if (entry.kind === 'grant' && entry.amount_cents !== null)
    return `${ENTRY_LABEL.grant} (${formatMoney(entry.amount_cents)})`;
  return ENTRY_LABEL[entry.kind];
}

function signed(units: number): string {
  return units > 0 ? `+${formatNumber(units)}` : formatNumber(units);
}

/**
 * Prepaid credits: the balance, buying a pack through Stripe Checkout (for those who manage
 * billing), and the ledger of grants and daily usage. Credits are spent after the plan's
 * included units; once they are gone the API answers 402 insufficient_credits.
 */
export function CreditsCard({
  canBuy,
  awaitingPayment,
  confirmation,
}: {
  canBuy: boolean;
  /** Back from Checkout: the grant is on its way by webhook, so the balance is asked for again. */
  awaitingPayment: boolean;
  confirmation: { pollMs: number };
}) {
  const credits = useCredits({ pollMs: awaitingPayment ? confirmation.pollMs : false });
  const checkout = useCreateCreditsCheckout();
  const [pack, setPack] = useState<CreditPackId>('10k');
  const [failure, setFailure] = useState<unknown>(null);

  function buy() {
    setFailure(null);
    checkout.mutate({ pack }, { onSuccess: ({ url }) => leaveTo(url), onError: setFailure });
  }

  const problem = failure === null ? null : describeBillingError(failure);
  return (
    <Card aria-labelledby="credits-title">
      <CardHeader
        titleId="credits-title"
        title="Prepaid credits"
        description="Used after the plan’s included units, one credit per unit. They don’t expire."
      />
      <CardContent className="space-y-5">
        {credits.isPending ? (
          <LoadingRegion label="Loading credits">
            <Skeleton className="h-24 w-full" />
          </LoadingRegion>
        ) : credits.isError ? (
          <ErrorState
            title="Couldn't load your credits"
            error={credits.error}
            onRetry={() => void credits.refetch()}
            retrying={credits.isFetching}
          />
        ) : (
          <>
            <div className="flex flex-wrap items-end justify-between gap-4">
              <div>
                <p className="text-sm text-zinc-500">Balance</p>
                <p className="text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums">
                  {formatNumber(credits.data.balance)}
                </p>
                <p className="text-sm text-zinc-500">
                  {credits.data.has_credits && credits.data.balance === 0
                    ? 'Spent: calls beyond the included units are refused until you buy more.'
                    : `${formatNumber(credits.data.used)} used of ${formatNumber(credits.data.granted)} bought`}
                </p>
              </div>
              {canBuy && (
                <div className="flex flex-wrap items-center gap-3">
                  <SegmentedControl
                    label="Credit pack"
                    // Two packs side by side are wider than a phone: let them wrap.
                    className="max-w-full flex-wrap"
                    value={pack}
                    onChange={setPack}
                    options={CREDIT_PACK_IDS.map((id) => ({
                      value: id,
                      label: `${CREDIT_PACKS[id].label} · ${formatMoney(CREDIT_PACKS[id].price_cents)}`,
                    }))}
                  />
                  <Button onClick={buy} loading={checkout.isPending || checkout.isSuccess}>
                    Buy credits
                  </Button>
                </div>
              )}
            </div>
            {awaitingPayment && (
              <Notice role="status" tone="info" title="Payment received">
                Your credits are added as soon as Stripe confirms the payment; this page updates by itself.
              </Notice>
            )}
            {problem && (
              <Notice role="alert" tone="danger" title="Couldn't start checkout">
                {problem.message}
              </Notice>
            )}
            {credits.data.entries.length === 0 ? (
              <EmptyState
                icon={Coins}
                title="No credits yet"
                description={
                  canBuy
                    ? 'Buy a pack to keep calling past your plan’s included units.'
                    : 'The account’s owner can buy credit packs.'
                }
                className="py-6"
              />
            ) : (
              <Table label="Credit ledger">
                <THead>
                  <TR>
                    <TH>Date</TH>
                    <TH>Entry</TH>
                    <TH className="text-right">Credits</TH>
                  </TR>
                </THead>
                <TBody>
                  {credits.data.entries.map((entry) => (
                    <TR key={entry.id}>
                      <TD className="whitespace-nowrap text-zinc-600">
                        {formatDate(entry.date ?? entry.at)}
                      </TD>
                      <TD>{entryDescription(entry)}</TD>
                      <TD
                        className={`text-right font-medium tabular-nums ${entry.units < 0 ? 'text-zinc-700' : 'text-emerald-700'}`}
                      >
                        {signed(entry.units)}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
