import { AlertDialog as AlertDialogPrimitive } from 'radix-ui';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';
import { Button } from '@/components/ui/button';
import { overlayClasses, useReturnFocus } from '@/components/ui/dialog';

/**
 * A confirmation for something that cannot be undone. Focus starts on Cancel, so Enter alone
 * never destroys anything.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  onConfirm,
  pending = false,
  children,
  confirmDisabled = false,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  children?: ReactNode;
  confirmDisabled?: boolean;
}) {
  return (
    <AlertDialogPrimitive.Root open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      {open && (
        <ConfirmContent
          title={title}
          description={description}
          confirmLabel={confirmLabel}
          onConfirm={onConfirm}
          pending={pending}
          confirmDisabled={confirmDisabled}
        >
          {children}
        </ConfirmContent>
      )}
    </AlertDialogPrimitive.Root>
  );
}

function ConfirmContent({
  title,
  description,
  confirmLabel,
  onConfirm,
  pending,
  confirmDisabled,
  children,
}: {
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending: boolean;
  confirmDisabled: boolean;
  children?: ReactNode;
}) {
  const returnFocus = useReturnFocus();
  return (
    <AlertDialogPrimitive.Portal>
      <AlertDialogPrimitive.Overlay className={overlayClasses} />
      <AlertDialogPrimitive.Content
        onCloseAutoFocus={returnFocus}
        className={cn(
          'fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2',
          'rounded-xl bg-white p-5 shadow-xl ring-1 ring-zinc-200 focus:outline-none sm:p-6',
          'data-[state=open]:animate-[dialog-in_150ms_ease-out]',
        )}
      >
        <AlertDialogPrimitive.Title className="text-lg font-semibold text-zinc-900">
          {title}
        </AlertDialogPrimitive.Title>
        <AlertDialogPrimitive.Description asChild>
          <div className="mt-2 text-sm text-zinc-600">{description}</div>
        </AlertDialogPrimitive.Description>
        {children}
        <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <AlertDialogPrimitive.Cancel asChild>
            <Button variant="secondary" disabled={pending}>
              Cancel
            </Button>
          </AlertDialogPrimitive.Cancel>
          {/* Not AlertDialog.Action: that closes at once, before the request has succeeded. */}
          <Button variant="danger" onClick={onConfirm} loading={pending} disabled={confirmDisabled}>
            {confirmLabel}
          </Button>
        </div>
      </AlertDialogPrimitive.Content>
    </AlertDialogPrimitive.Portal>
  );
}
