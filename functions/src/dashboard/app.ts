/** The dashboard API under `/api/dashboard`: every route needs the account holder's ID token. */
import express, { type Express } from 'express';
import { deleteAccount } from '../account/delete-account.js';
import { exportAccount } from '../account/export-account.js';
import { getMe, getSummary } from '../account/get-me.js';
import { createTeam } from '../account/create-team.js';
import { deleteTeam } from '../account/delete-team.js';
import { exportAuditLog } from '../account/export-audit-log.js';
import { getAuditLog } from '../account/get-audit-log.js';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from '../account/invitations.js';
import { listAccounts } from '../account/list-accounts.js';
import { getOnboarding, updateOnboarding } from '../account/onboarding.js';
import { listMembers, removeMember, transferOwnership, updateMember } from '../account/members.js';
import { memberAccount, personalAccount } from '../accounts/access.js';
import { postCreditAdjustment } from '../admin/adjust-credits.js';
import { adminStats } from '../admin/admin-stats.js';
import { deleteWebhook } from '../alerts/delete-webhook.js';
import { getAlerts } from '../alerts/get-alerts.js';
import { listDeliveries } from '../alerts/list-deliveries.js';
import { listNotifications } from '../alerts/list-notifications.js';
import { markNotificationsRead } from '../alerts/mark-notifications-read.js';
import { putAlertSettings } from '../alerts/put-alert-settings.js';
import { registerWebhook } from '../alerts/register-webhook.js';
import { testWebhook } from '../alerts/test-webhook.js';
import { putBillingSettings } from '../billing/billing-settings.js';
import { changePlan } from '../billing/change-plan.js';
import { createCheckout } from '../billing/checkout.js';
import { createCreditsCheckout } from '../billing/credits-checkout.js';
import { getCredits } from '../billing/get-credits.js';
import { listInvoices, upcomingInvoice } from '../billing/invoices.js';
import { createPortal } from '../billing/portal.js';
import { cancelSubscription, resumeSubscription } from '../billing/subscription-actions.js';
import { requireUser } from '../http/auth.js';
import { errorMiddleware, notFoundMiddleware } from '../http/errors.js';
import { limitBodySize } from '../http/json-body.js';
import { assignRequestId } from '../http/request-id.js';
import { serveDocument } from '../http/openapi.js';
import { mountRoutes, type Route } from '../http/routes.js';
import { setSecurityHeaders } from '../http/security-headers.js';
import { createKey } from '../keys/create-key.js';
import { listKeys } from '../keys/list-keys.js';
import { revokeKey } from '../keys/revoke-key.js';
import { rollKey } from '../keys/roll-key.js';
import { updateKey } from '../keys/update-key.js';
import {
  adminStatsQuerySchema,
  alertSettingsRequestSchema,
  billingSettingsRequestSchema,
  changePlanRequestSchema,
  checkoutRequestSchema,
  creditAdjustmentRequestSchema,
  creditsCheckoutRequestSchema,
  createKeyRequestSchema,
  exportQuerySchema,
  markNotificationsReadRequestSchema,
  recentUsageQuerySchema,
  registerWebhookRequestSchema,
  rollKeyRequestSchema,
  statsQuerySchema,
  updateKeyRequestSchema,
  updateOnboardingRequestSchema,
} from '../shared/contracts.js';
import {
  auditLogExportQuerySchema,
  auditLogQuerySchema,
  createInvitationRequestSchema,
  createTeamRequestSchema,
  transferOwnershipRequestSchema,
  updateMemberRequestSchema,
} from '../shared/teams.js';
import { exportUsage } from '../usage/export-usage.js';
import { getStats } from '../usage/get-stats.js';
import { recentUsage } from '../usage/recent-usage.js';
import { dashboardOpenApiDocument } from './openapi.js';

export const DASHBOARD_BASE_PATH = '/api/dashboard';

/** Routes about the signed-in user, not about an account. */
export const USER_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/me', input: {}, handler: getMe },
  { method: 'DELETE', path: '/me', input: {}, handler: deleteAccount },
  { method: 'GET', path: '/me/export', input: {}, handler: exportAccount },
  { method: 'GET', path: '/accounts', input: {}, handler: listAccounts },
  { method: 'POST', path: '/teams', input: { body: createTeamRequestSchema }, handler: createTeam },
  { method: 'GET', path: '/invitations/:token/preview', input: {}, handler: previewInvitation },
  { method: 'POST', path: '/invitations/:token/accept', input: {}, handler: acceptInvitation },
  { method: 'GET', path: '/admin/stats', input: { query: adminStatsQuerySchema }, handler: adminStats },
  {
    method: 'POST',
    path: '/admin/accounts/:account_id/credits/adjustments',
    input: { body: creditAdjustmentRequestSchema },
    handler: postCreditAdjustment,
  },
];

/**
 * Routes about one account: mounted unprefixed (the caller's personal account) and under
 * ACCOUNT_PREFIX (an account the caller is a member of). Every route declares its input, which
 * is checked before the account is resolved: a brand-new user's first, malformed request
 * creates nothing.
 */
export const ACCOUNT_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/summary', input: {}, handler: getSummary },
  { method: 'GET', path: '/onboarding', input: {}, handler: getOnboarding },
  {
    method: 'PATCH',
    path: '/onboarding',
    input: { body: updateOnboardingRequestSchema },
    handler: updateOnboarding,
  },
  { method: 'GET', path: '/keys', input: {}, handler: listKeys },
  { method: 'POST', path: '/keys', input: { body: createKeyRequestSchema }, handler: createKey },
  { method: 'PATCH', path: '/keys/:id', input: { body: updateKeyRequestSchema }, handler: updateKey },
  { method: 'POST', path: '/keys/:id/revoke', input: {}, handler: revokeKey },
  { method: 'POST', path: '/keys/:id/roll', input: { body: rollKeyRequestSchema }, handler: rollKey },
  { method: 'GET', path: '/stats', input: { query: statsQuerySchema }, handler: getStats },
  { method: 'GET', path: '/usage/recent', input: { query: recentUsageQuerySchema }, handler: recentUsage },
  { method: 'GET', path: '/usage/export', input: { query: exportQuerySchema }, handler: exportUsage },
  {
    method: 'POST',
    path: '/billing/checkout',
    input: { body: checkoutRequestSchema },
    handler: createCheckout,
  },
  { method: 'POST', path: '/billing/portal', input: {}, handler: createPortal },
  {
    method: 'POST',
    path: '/billing/credits/checkout',
    input: { body: creditsCheckoutRequestSchema },
    handler: createCreditsCheckout,
  },
  { method: 'GET', path: '/billing/credits', input: {}, handler: getCredits },
  // SPEC.md's name for the same read.
  { method: 'GET', path: '/credits', input: {}, handler: getCredits },
  { method: 'GET', path: '/billing/invoices', input: {}, handler: listInvoices },
  { method: 'GET', path: '/billing/upcoming', input: {}, handler: upcomingInvoice },
  { method: 'POST', path: '/billing/plan', input: { body: changePlanRequestSchema }, handler: changePlan },
  { method: 'POST', path: '/billing/cancel', input: {}, handler: cancelSubscription },
  { method: 'POST', path: '/billing/resume', input: {}, handler: resumeSubscription },
  {
    method: 'PUT',
    path: '/billing/settings',
    input: { body: billingSettingsRequestSchema },
    handler: putBillingSettings,
  },
  { method: 'GET', path: '/alerts', input: {}, handler: getAlerts },
  {
    method: 'PUT',
    path: '/alerts/settings',
    input: { body: alertSettingsRequestSchema },
    handler: putAlertSettings,
  },
  {
    method: 'PUT',
    path: '/alerts/webhook',
    input: { body: registerWebhookRequestSchema },
    handler: registerWebhook,
  },
  { method: 'DELETE', path: '/alerts/webhook', input: {}, handler: deleteWebhook },
  { method: 'POST', path: '/alerts/webhook/test', input: {}, handler: testWebhook },
  { method: 'GET', path: '/alerts/deliveries', input: {}, handler: listDeliveries },
  { method: 'GET', path: '/members', input: {}, handler: listMembers },
  {
    method: 'PATCH',
    path: '/members/:uid',
    input: { body: updateMemberRequestSchema },
    handler: updateMember,
  },
  { method: 'DELETE', path: '/members/:uid', input: {}, handler: removeMember },
  {
    method: 'POST',
    path: '/transfer',
    input: { body: transferOwnershipRequestSchema },
    handler: transferOwnership,
  },
  { method: 'GET', path: '/invitations', input: {}, handler: listInvitations },
  {
    method: 'POST',
    path: '/invitations',
    input: { body: createInvitationRequestSchema },
    handler: createInvitation,
  },
  { method: 'DELETE', path: '/invitations/:invitation_id', input: {}, handler: revokeInvitation },
  { method: 'GET', path: '/audit-log', input: { query: auditLogQuerySchema }, handler: getAuditLog },
  {
    method: 'GET',
    path: '/audit-log/export',
    input: { query: auditLogExportQuerySchema },
    handler: exportAuditLog,
  },
  { method: 'GET', path: '/notifications', input: {}, handler: listNotifications },
  {
    method: 'POST',
    path: '/notifications/read',
    input: { body: markNotificationsReadRequestSchema },
    handler: markNotificationsRead,
  },
];

export const ACCOUNT_PREFIX = '/accounts/:account_id';

/** Routes about a team as a whole, mounted only under ACCOUNT_PREFIX. */
export const TEAM_ROUTES: readonly Route[] = [{ method: 'DELETE', path: '', input: {}, handler: deleteTeam }];

/** Every dashboard route as mounted; the shared authorisation tests walk this table. */
export const DASHBOARD_ROUTES: readonly Route[] = [
  ...USER_ROUTES,
  ...ACCOUNT_ROUTES,
  ...[...ACCOUNT_ROUTES, ...TEAM_ROUTES].map((route) => ({
    ...route,
    path: `${ACCOUNT_PREFIX}${route.path}`,
  })),
];

export function createDashboardApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestId);
  app.use(setSecurityHeaders);
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'private, no-store');
    next();
  });

  // For the project's developers, before the token check: it describes routes, not anyone's data.
  app.get(
    `${DASHBOARD_BASE_PATH}/openapi.json`,
    serveDocument(() => dashboardOpenApiDocument(DASHBOARD_BASE_PATH, DASHBOARD_ROUTES)),
  );
  const router = express.Router();
  router.use(requireUser);
  router.use(limitBodySize);
  mountRoutes(router, USER_ROUTES);
  mountRoutes(router, ACCOUNT_ROUTES, personalAccount);
  // mergeParams: the account routes see `:account_id` of the prefix.
  const memberRoutes = express.Router({ mergeParams: true });
  mountRoutes(memberRoutes, ACCOUNT_ROUTES, memberAccount);
  mountRoutes(
    memberRoutes,
    TEAM_ROUTES.map((route) => ({ ...route, path: '/' })),
    memberAccount,
  );
  router.use(ACCOUNT_PREFIX, memberRoutes);
  app.use(DASHBOARD_BASE_PATH, router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return app;
}
