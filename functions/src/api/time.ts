import type { ApiHandler } from '../keys/with-api-key.js';

/** GET /v1/time: the server's clock, in UTC. */
export const getTime: ApiHandler = () => {
  const now = new Date();
  return { body: { now: now.toISOString(), unix: Math.floor(now.getTime() / 1000), timezone: 'UTC' } };
};
