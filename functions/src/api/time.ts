import type { TimeResponse } from '../shared/v1-contracts.js';

/** GET /v1/time: the server's clock, in UTC. */
export function currentTime(now = new Date()): TimeResponse {
  return { now: now.toISOString(), unix: Math.floor(now.getTime() / 1000), timezone: 'UTC' };
}
