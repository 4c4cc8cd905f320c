import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { CurlExample } from '@/components/curl-example';

/** How a program uses a key, shown with a placeholder since secrets are never shown twice. */
export function CallTheApi() {
  return (
    <Card aria-labelledby="call-api-title">
      <CardHeader
        titleId="call-api-title"
        title="Call the API"
        description={
          <>
            Send your key as a bearer token. Try <code className="font-mono text-zinc-700">GET /v1/time</code>
            , <code className="font-mono text-zinc-700">GET /v1/forecast?city=Lisbon</code> or{' '}
            <code className="font-mono text-zinc-700">POST /v1/convert</code>.
          </>
        }
      />
      <CardContent>
        <CurlExample secret="sk_live_YOUR_KEY" />
        <p className="mt-3 text-xs text-zinc-500">
          Every call counts against your account’s monthly quota, which all its keys share, and against the
          key’s own cap if you set one. Refused calls answer with a JSON error and, for limits, a{' '}
          <code className="font-mono">Retry-After</code> header.
        </p>
      </CardContent>
    </Card>
  );
}
