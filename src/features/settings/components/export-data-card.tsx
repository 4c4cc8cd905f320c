import { Download } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { useToast } from '@/components/ui/toast';
import { describeError } from '@/lib/api-error';
import { useExportAccount } from '@/features/settings/api/export-account';

export function ExportDataCard() {
  const exportAccount = useExportAccount();
  const notify = useToast();
  return (
    <Card aria-labelledby="export-title">
      <CardHeader
        titleId="export-title"
        title="Export your data"
        description="Download your profile, keys (never their secrets) and daily and monthly usage as one JSON file."
        className="pb-5"
        action={
          <Button
            variant="secondary"
            loading={exportAccount.isPending}
            onClick={() =>
              exportAccount.mutate(undefined, {
                onSuccess: () => notify({ tone: 'success', title: 'Your data was downloaded' }),
                onError: (error) =>
                  notify({
                    tone: 'error',
                    title: "Couldn't export your data",
                    description: describeError(error),
                  }),
              })
            }
          >
            {!exportAccount.isPending && <Download className="size-4" aria-hidden />}
            Export JSON
          </Button>
        }
      />
    </Card>
  );
}
