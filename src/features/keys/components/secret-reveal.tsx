import { ShownOnce } from '@/components/shown-once';
import { CurlExample } from '@/components/curl-example';

/** The one and only display of a key's secret, with a copy button and a plain warning. */
export function SecretReveal({ secret }: { secret: string }) {
  return (
    <div className="space-y-4">
      <ShownOnce
        warning={
          <>
            <strong className="font-semibold">This key will not be shown again.</strong> Copy it now and keep
            it somewhere safe, such as your secrets manager. If you lose it, roll the key to get a new one.
          </>
        }
        label="Your new API key"
        value={secret}
        copyLabel="Copy key"
      />
      <CurlExample secret={secret} label="Try it" />
    </div>
  );
}
