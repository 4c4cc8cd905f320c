/**
 * The document rendered by Swagger UI (offline: its code and styles are in this chunk; it loads
 * no fonts and nothing from elsewhere). Loaded lazily: it is most of the page's weight.
 */
import 'swagger-ui-react/swagger-ui.css';
import '@/features/docs/components/swagger-theme.css';
import { useMemo, type ComponentType, type RefObject } from 'react';
import SwaggerUI from 'swagger-ui-react';
import { OPENAPI_PATH } from '@/features/docs/api/get-openapi';
import { CodeSamples } from '@/features/docs/components/code-samples';
import { ReferenceContext, type ReferenceState } from '@/features/docs/reference-context';

type Props = Record<string, unknown>;

/** Each operation's samples, above its responses (the renderer passes them its path and method). */
const samplesPlugin = {
  wrapComponents: {
    responses: (Original: ComponentType<Props>) =>
      function ResponsesWithSamples(props: Props) {
        const { path, method } = props;
        return (
          <>
            {typeof path === 'string' && typeof method === 'string' && (
              <CodeSamples method={method} path={path} />
            )}
            <Original {...props} />
          </>
        );
      },
  },
};

interface TryItRequest {
  url: string;
  headers: Record<string, string>;
}

function isTryItRequest(value: unknown): value is TryItRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'url' in value &&
    typeof value.url === 'string' &&
    'headers' in value &&
    typeof value.headers === 'object' &&
    value.headers !== null
  );
}

export default function SwaggerReference({
  state,
  apiKey,
}: {
  state: ReferenceState;
  apiKey: RefObject<string>;
}) {
  // The renderer keeps the first interceptor it is given; this one reads the key when it sends.
  const interceptor = useMemo(
    () => (request: object) => {
      if (!isTryItRequest(request)) return request;
      const url = new URL(request.url, window.location.origin);
      const key = apiKey.current.trim();
      if (
        key !== '' &&
        url.origin === window.location.origin &&
        url.pathname.startsWith('/v1/') &&
        url.pathname !== OPENAPI_PATH
      )
        request.headers.Authorization = `Bearer ${key}`;
      return request;
    },
    [apiKey],
  );
  return (
    <ReferenceContext.Provider value={state}>
      <div className="keymeter-reference">
        <SwaggerUI
          spec={state.document}
          plugins={[samplesPlugin]}
          requestInterceptor={interceptor}
          // The "curl" the renderer prints after a call is the request before the key was added.
          showMutatedRequest={false}
          persistAuthorization={false}
          deepLinking={false}
          docExpansion="list"
          defaultModelsExpandDepth={-1}
          displayRequestDuration
          queryConfigEnabled={false}
        />
      </div>
    </ReferenceContext.Provider>
  );
}
