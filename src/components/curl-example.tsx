import { CopyButton } from '@/components/ui/copy-button';

export function curlCommand(secret: string): string {
  return `curl ${window.location.origin}/v1/time \\\n  -H "Authorization: Bearer ${secret}"`;
}

/**
 * A ready-to-paste request against the metered API: with the whole key right after it is
 * created, or with a placeholder (the dashboard never has a key's secret again).
 */
export function CurlExample({ secret, label = 'Example request' }: { secret: string; label?: string }) {
  const command = curlCommand(secret);
  return (
    <div className="overflow-hidden rounded-lg bg-zinc-950 ring-1 ring-zinc-800">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-800 px-3 py-1.5">
        <span className="text-xs font-medium text-zinc-400">{label}</span>
        <CopyButton
          text={command}
          label="Copy"
          variant="ghost"
          className="text-zinc-300 hover:bg-zinc-800 hover:text-white"
        />
      </div>
      <pre className="overflow-x-auto p-3 font-mono text-[13px] leading-relaxed text-zinc-100">
        <code>{command}</code>
      </pre>
    </div>
  );
}
