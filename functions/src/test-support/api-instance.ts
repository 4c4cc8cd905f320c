/**
 * One `api` instance in a process of its own: the real app (createApiApp) with its own key
 * cache, revocation watch, throttle and usage buffer, against the stack's Firestore. Started by
 * api-instances.ts with FUNCTIONS_EMULATOR unset, so it runs with production constants (a 30 s
 * key cache), which is what tests of cross-instance bounds need. It reports its port and, when
 * asked over IPC, its key-check metrics.
 */
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../api/app.js';
import { keyCheckMetrics } from '../lib/metrics.js';

const server = createApiApp().listen(0, '127.0.0.1', () => {
  const address = server.address() as AddressInfo;
  process.send?.({ type: 'listening', port: address.port });
});

process.on('message', (message) => {
  if (message === 'metrics') process.send?.({ type: 'metrics', metrics: { ...keyCheckMetrics } });
});

// The parent is gone (test ended or crashed): nothing else would stop this process.
process.on('disconnect', () => process.exit(0));
