/** The `/v1` API: demo endpoints, each metered by `withApiKey`, and key verification. */
import express, { type Express } from 'express';
import { errorMiddleware, notFoundMiddleware } from '../http/errors.js';
import { limitBodySize } from '../http/json-body.js';
import { assignRequestId } from '../http/request-id.js';
import { mountRoutes } from '../http/routes.js';
import { setSecurityHeaders } from '../http/security-headers.js';
import { withApiKey } from '../keys/with-api-key.js';
import { postConvert } from './convert.js';
import { getForecast } from './forecast.js';
import { getTime } from './time.js';
import { emailsCost, postVerifyEmails } from './verify-emails.js';
import { verifyKey } from './verify-key.js';

export function createApiApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestId);
  app.use(setSecurityHeaders);
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(limitBodySize);

  const router = express.Router();
  mountRoutes(router, [
    { method: 'GET', path: '/time', handler: withApiKey({ scope: 'read' }, getTime) },
    { method: 'GET', path: '/forecast', handler: withApiKey({ scope: 'read' }, getForecast) },
    { method: 'POST', path: '/convert', handler: withApiKey({ scope: 'write' }, postConvert) },
    {
      method: 'POST',
      path: '/emails/verify',
      handler: withApiKey({ scope: 'read', cost: emailsCost, meter: 'emails_verified' }, postVerifyEmails),
    },
    { method: 'POST', path: '/keys/verify', handler: verifyKey },
  ]);
  app.use('/v1', router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return app;
}
