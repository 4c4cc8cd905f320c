import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { RECENT_DELIVERIES_LIMIT, type WebhookDeliveriesResponse } from '../shared/contracts.js';
import { deliveriesCollection, deliveryDocSchema, toWebhookDelivery } from './deliveries.js';

/** GET /alerts/deliveries: the latest webhook deliveries, newest first, with their attempts. */
export async function listDeliveries(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const snapshot = await deliveriesCollection()
    .where('account_id', '==', account.id)
    .orderBy('created_at', 'desc')
    .limit(RECENT_DELIVERIES_LIMIT)
    .get();
  const body: WebhookDeliveriesResponse = {
    deliveries: snapshot.docs.flatMap((doc) => {
      const parsed = deliveryDocSchema.safeParse(doc.data());
      return parsed.success ? [toWebhookDelivery(doc.id, parsed.data)] : [];
    }),
  };
  res.json(body);
}
