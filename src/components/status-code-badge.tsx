import { Badge } from '@/components/ui/badge';
import { cn } from '@/lib/cn';

/** An HTTP status, green for success, amber for a refused request, red for a server error. */
export function StatusCodeBadge({ status, className }: { status: number; className?: string }) {
  const tone = status >= 500 ? 'danger' : status >= 400 ? 'warning' : 'success';
  return (
    <Badge tone={tone} className={cn('justify-center font-mono', className)}>
      {status}
    </Badge>
  );
}
