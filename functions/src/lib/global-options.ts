/**
 * Options every function shares. Imported first by index.ts: ES modules run in import order, so
 * this must run before any module that defines a function.
 */
import { setGlobalOptions } from 'firebase-functions/v2';

setGlobalOptions({ region: 'us-central1' });
