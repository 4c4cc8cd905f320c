import { CodeBlock } from '@/components/code-block';

export function curlCommand(secret: string): string {
  return `curl ${window.location.origin}/v1/time \\\n  -H "Authorization: Bearer ${secret}"`;
}

/**
 * A ready-to-paste request against the metered API: with the whole key right after it is
 * created, or with a placeholder (the dashboard never has a key's secret again).
 */
export function CurlExample({ secret, label = 'Example request' }: { secret: string; label?: string }) {
  return <CodeBlock label={label} code={curlCommand(secret)} />;
}
