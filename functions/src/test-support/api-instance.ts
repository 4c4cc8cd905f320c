/**
 * One `api` instance in a process of its own: the real app (createApiApp) with its own key
 * cache, revocation watch, throttle and usage buffer, against the stack's Firestore. Started by
 * api-instances.ts with FUNCTIONS_EMULATOR unset, so it runs with production constants (a 30 s
 * key cache), which is what tests of cross-instance bounds need. It reports its port and, when
 * asked over IPC, its key-check metrics and its added-latency histogram (which the benchmark
 * zeroes after its warm-up, so the histogram holds the measured phase alone).
 */
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../api/app.js';
import { useCallLimits } from '../keys/api-key-runtime.js';
import { addedLatency, keyCheckMetrics } from '../lib/metrics.js';
import { PerInstanceLimits } from './per-instance-limits.js';

// bench/limits.ts runs today's per-instance limits beside the leased ones.
const benchLimits = process.env.KEYMETER_BENCH_LIMITS;
if (benchLimits === 'per-instance') useCallLimits(new PerInstanceLimits());
else if (benchLimits !== undefined) throw new Error(`unknown KEYMETER_BENCH_LIMITS "${benchLimits}"`);

const server = createApiApp().listen(0, '127.0.0.1', () => {
  const address = server.address() as AddressInfo;
  process.send?.({ type: 'listening', port: address.port });
});

process.on('message', (message) => {
  if (message === 'metrics') process.send?.({ type: 'metrics', metrics: { ...keyCheckMetrics } });
  if (message === 'latency') process.send?.({ type: 'latency', buckets: [...addedLatency.buckets] });
  if (message === 'resetLatency') {
    addedLatency.reset();
    process.send?.({ type: 'latencyReset' });
  }
});

// The parent is gone (test ended or crashed): nothing else would stop this process.
process.on('disconnect', () => process.exit(0));
