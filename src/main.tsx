import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigError, getEnv } from '@/config/env';
import { App } from '@/app';
import '@/index.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

try {
  getEnv();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  root.render(
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-lg font-semibold text-rose-700">The dashboard is misconfigured</h1>
      <pre className="mt-4 rounded-lg bg-rose-50 p-4 text-sm whitespace-pre-wrap text-rose-900">
        {error.message}
      </pre>
    </main>,
  );
}
