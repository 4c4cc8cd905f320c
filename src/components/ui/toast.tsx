import { CheckCircle2, X, XCircle } from 'lucide-react';
import { Toast } from 'radix-ui';
import { createContext, use, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

interface ToastMessage {
  id: number;
  tone: 'success' | 'error';
  title: string;
  description?: string | undefined;
}

type Notify = (toast: Omit<ToastMessage, 'id'>) => void;

const ToastContext = createContext<Notify | null>(null);

/** Short, polite notices ("Key revoked") announced to screen readers and dismissible. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  const nextId = useRef(1);

  const notify = useCallback<Notify>((toast) => {
    const id = nextId.current++;
    setToasts((current) => [...current.slice(-2), { ...toast, id }]);
  }, []);

  const remove = useCallback(
    (id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)),
    [],
  );
  const value = useMemo(() => notify, [notify]);

  return (
    <ToastContext value={value}>
      <Toast.Provider swipeDirection="right" duration={5000}>
        {children}
        {toasts.map((toast) => (
          <Toast.Root
            key={toast.id}
            type={toast.tone === 'error' ? 'foreground' : 'background'}
            onOpenChange={(open) => !open && remove(toast.id)}
            className={cn(
              'flex items-start gap-3 rounded-lg bg-white p-4 shadow-lg ring-1 ring-zinc-200',
              'data-[state=open]:animate-[toast-in_150ms_ease-out] data-[swipe=end]:animate-[fade-out_100ms_ease-in]',
            )}
          >
            {toast.tone === 'success' ? (
              <CheckCircle2 className="mt-0.5 size-5 shrink-0 text-emerald-600" aria-hidden />
            ) : (
              <XCircle className="mt-0.5 size-5 shrink-0 text-rose-600" aria-hidden />
            )}
            <div className="min-w-0 flex-1">
              <Toast.Title className="text-sm font-medium text-zinc-900">{toast.title}</Toast.Title>
              {toast.description && (
                <Toast.Description className="mt-0.5 text-sm text-zinc-600">
                  {toast.description}
                </Toast.Description>
              )}
            </div>
            <Toast.Close aria-label="Dismiss" className="rounded p-0.5 text-zinc-400 hover:text-zinc-700">
              <X className="size-4" aria-hidden />
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="fixed right-0 bottom-0 z-[60] flex w-full max-w-sm flex-col gap-2 p-4 outline-none" />
      </Toast.Provider>
    </ToastContext>
  );
}

export function useToast(): Notify {
  const notify = use(ToastContext);
  if (!notify) throw new Error('useToast must be used inside <ToastProvider>');
  return notify;
}
