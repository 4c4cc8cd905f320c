/**
 * The `/v1` route table: the one source of what the API serves (app.ts mounts it) and of what
 * its OpenAPI document says (openapi.ts describes it, GET /v1/openapi.json serves that).
 */
import { serveDocument } from '../http/openapi.js';
import {
  convertResponseSchema,
  forecastResponseSchema,
  openApiDocumentSchema,
  timeResponseSchema,
  verifyEmailsResponseSchema,
  verifyKeyResponseSchema,
} from '../shared/v1-contracts.js';
import { conversion, convertRequestSchema } from './convert.js';
import { forecast, forecastQuerySchema } from './forecast.js';
import { v1OpenApiDocument } from './openapi.js';
import { currentTime } from './time.js';
import { MAX_EMAILS_PER_CALL, emailsCost, verifyEmails, verifyEmailsRequestSchema } from './verify-emails.js';
import { verifyKey, verifyKeyRequestSchema } from './verify-key.js';
import { metered, type V1Route } from './v1-route.js';

export const V1_ROUTES: readonly V1Route[] = [
  metered({
    method: 'GET',
    path: '/time',
    summary: 'Server time',
    description: "The server's clock, in UTC.",
    scope: 'read',
    response: timeResponseSchema,
    handle: () => ({ body: currentTime() }),
  }),
  metered({
    method: 'GET',
    path: '/forecast',
    summary: 'Weather forecast',
    description: 'A made-up but stable forecast: the same city and day always get the same weather.',
    scope: 'read',
    query: forecastQuerySchema,
    response: forecastResponseSchema,
    handle: ({ query }) => ({ body: forecast(query) }),
  }),
  metered({
    method: 'POST',
    path: '/convert',
    summary: 'Convert currency',
    description: 'Converts an amount at fixed demo rates (not a price feed).',
    scope: 'write',
    body: convertRequestSchema,
    response: convertResponseSchema,
    handle: ({ body }) => ({ body: conversion(body) }),
  }),
  metered({
    method: 'POST',
    path: '/emails/verify',
    summary: 'Verify email addresses',
    description:
      `Checks up to ${MAX_EMAILS_PER_CALL} addresses offline (syntax, disposable domains). Reserves one ` +
      'unit per address sent and charges one per distinct address: duplicates are free. Its units ' +
      'also count on the `emails_verified` meter, which each plan limits on its own.',
    scope: 'read',
    body: verifyEmailsRequestSchema,
    response: verifyEmailsResponseSchema,
    cost: { of: emailsCost, words: 'one unit per address in `emails` (duplicates are given back)' },
    meter: 'emails_verified',
    handle: ({ body }) => {
      const answer = verifyEmails(body);
      return { body: answer, units: answer.units };
    },
  }),
  {
    method: 'POST',
    path: '/keys/verify',
    summary: 'Verify a key and meter a call',
    description:
      'For a service outside Firebase: runs the same key check as every /v1 call on the key in the ' +
      'body and meters the call against it, under `endpoint` when admitted. Answers 200 whether or ' +
      'not the key is valid (`valid`, `code`); only a malformed request is a 4xx. `cost` units (default ' +
      '1) are spent of the account’s quota; 0 counts the call against the per-minute limit only.',
    access: { kind: 'key_in_body' },
    request: { body: verifyKeyRequestSchema },
    response: verifyKeyResponseSchema,
    handler: verifyKey,
  },
  {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document',
    description: 'The OpenAPI 3.1 document of every /v1 route. Public: no key, not metered.',
    access: { kind: 'public' },
    request: {},
    response: openApiDocumentSchema,
    // Built on the first request, from the whole table (this route included).
    handler: serveDocument(() => v1OpenApiDocument(V1_ROUTES)),
  },
];
