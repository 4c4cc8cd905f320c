/** The `/v1` API: its route table (routes.ts), mounted. */
import express, { type Express } from 'express';
import { errorMiddleware, notFoundMiddleware } from '../http/errors.js';
import { limitBodySize } from '../http/json-body.js';
import { assignRequestId } from '../http/request-id.js';
import { mountRoutes } from '../http/routes.js';
import { setSecurityHeaders } from '../http/security-headers.js';
import { V1_ROUTES } from './routes.js';
import { V1_BASE_PATH } from './v1-route.js';

export function createApiApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestId);
  app.use(setSecurityHeaders);
  app.use((_req, res, next) => {
    // Answers are per key and per moment; a route that is neither (the document) says so itself.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(limitBodySize);

  const router = express.Router();
  // Without `input`: a route's input is parsed after its key check (v1-route.ts).
  mountRoutes(
    router,
    V1_ROUTES.map(({ method, path, handler }) => ({ method, path, handler })),
  );
  app.use(V1_BASE_PATH, router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return app;
}
