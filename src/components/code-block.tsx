import { CopyButton } from '@/components/ui/copy-button';

/** A dark, copyable block of code with a small title: the request samples' one look. */
export function CodeBlock({ label, code }: { label: string; code: string }) {
  return (
    <div className="overflow-hidden rounded-lg bg-zinc-950 ring-1 ring-zinc-800">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-800 px-3 py-1.5">
        <span className="text-xs font-medium text-zinc-400">{label}</span>
        <CopyButton
          text={code}
          label="Copy"
          variant="ghost"
          className="text-zinc-300 hover:bg-zinc-800 hover:text-white"
        />
      </div>
      <pre className="overflow-x-auto p-3 font-mono text-[13px] leading-relaxed text-zinc-100">
        <code>{code}</code>
      </pre>
    </div>
  );
}
