import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import type { ListKeysResponse } from '../shared/contracts.js';
import { readKeyDoc, toApiKey } from './key-doc.js';

/** GET /keys: all of the account's keys, newest first, revoked and expired ones included. */
export async function listKeys(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_keys');
  const snapshot = await db()
    .collection(API_KEYS)
    .where('account_id', '==', account.id)
    .orderBy('created_at', 'desc')
    .get();
  const now = new Date();
  const body: ListKeysResponse = {
    keys: snapshot.docs.map((doc) => toApiKey(doc.id, readKeyDoc(doc.data()), now)),
  };
  res.json(body);
}
