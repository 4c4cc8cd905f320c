import type { ReactNode } from 'react';
import type { ApiKey } from '@shared/contracts';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { maskedKey } from '@/features/keys/components/key-status-badge';

/** A dialog with a form about one key (rename, limits): open while `apiKey` is set. */
export function KeyFormDialog({
  apiKey,
  onOpenChange,
  title,
  children,
}: {
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
  title: (key: ApiKey) => string;
  /** The form, given the key and how to close the dialog when done. */
  children: (key: ApiKey, done: () => void) => ReactNode;
}) {
  return (
    <Dialog open={apiKey !== null} onOpenChange={onOpenChange}>
      {apiKey && (
        <DialogContent
          title={title(apiKey)}
          description={<span className="font-mono">{maskedKey(apiKey)}</span>}
        >
          {children(apiKey, () => onOpenChange(false))}
        </DialogContent>
      )}
    </Dialog>
  );
}
