/**
 * The demo team and the demo operator, seeded through the dashboard API as people would make
 * them: the demo user creates "Demo Team", invites Ada Lovelace, who accepts and becomes an
 * admin; each creates a key and calls /v1 with it, so the team has usage by member and an audit
 * log. The operator is a second user with the `admin` claim, so the Admin page can be seen.
 * Both are Google users the emulator's account chooser lists. Idempotent: a team that exists
 * (its slug is taken) is left as it is.
 */
import { auth, db } from '../functions/src/lib/firebase.js';
import { TEAM_SLUGS } from '../functions/src/lib/collections.js';
import { createKeyResponseSchema, type CreateKeyRequest } from '../functions/src/shared/contracts.js';
import {
  acceptInvitationResponseSchema,
  createInvitationResponseSchema,
  teamResponseSchema,
} from '../functions/src/shared/teams.js';
import { signInWithIdp } from './lib/auth-emulator.js';

export const DEMO_TEAM_SLUG = 'demo-team';
export const DEMO_TEAM_NAME = 'Demo Team';
export const DEMO_TEAMMATE = { email: 'ada@keymeter.dev', name: 'Ada Lovelace' };
export const DEMO_OPERATOR = { email: 'operator@keymeter.dev', name: 'Demo Operator' };
/** Calls each team key makes (the Free plan admits 10 a minute), so Usage shows them by member. */
const CALLS_PER_KEY = 4;

export interface TeamSeed {
  teamId: string;
  created: boolean;
  teammateUid: string;
  operatorUid: string;
}

async function googleUser(authHost: string, who: { email: string; name: string }, sub: string) {
  return signInWithIdp(authHost, 'google.com', {
    sub,
    email: who.email,
    email_verified: true,
    name: who.name,
  });
}

async function call(
  hostingUrl: string,
  idToken: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const response = await fetch(`${hostingUrl}/api/dashboard${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${idToken}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!response.ok)
    throw new Error(
      `demo team: ${init.method ?? 'GET'} ${path} answered ${response.status} ${await response.text()}`,
    );
  return response.json() as Promise<unknown>;
}

export async function seedDemoTeam(options: {
  authHost: string;
  hostingUrl: string;
  ownerIdToken: string;
}): Promise<TeamSeed> {
  const { authHost, hostingUrl, ownerIdToken } = options;
  const [teammate, operator] = await Promise.all([
    googleUser(authHost, DEMO_TEAMMATE, 'keymeter-demo-ada-google'),
    googleUser(authHost, DEMO_OPERATOR, 'keymeter-demo-operator-google'),
  ]);
  const claims = (await auth().getUser(operator.uid)).customClaims ?? {};
  if (claims.admin !== true) await auth().setCustomUserClaims(operator.uid, { ...claims, admin: true });

  const existing = await db().collection(TEAM_SLUGS).doc(DEMO_TEAM_SLUG).get();
  const existingId: unknown = existing.get('account_id');
  if (typeof existingId === 'string')
    return { teamId: existingId, created: false, teammateUid: teammate.uid, operatorUid: operator.uid };

  const { account } = teamResponseSchema.parse(
    await call(hostingUrl, ownerIdToken, '/teams', {
      method: 'POST',
      body: { name: DEMO_TEAM_NAME, slug: DEMO_TEAM_SLUG },
    }),
  );
  const prefix = `/accounts/${account.id}`;
  const invitation = createInvitationResponseSchema.parse(
    await call(hostingUrl, ownerIdToken, `${prefix}/invitations`, {
      method: 'POST',
      body: { email: DEMO_TEAMMATE.email, role: 'admin' },
    }),
  );
  acceptInvitationResponseSchema.parse(
    await call(hostingUrl, teammate.idToken, `/invitations/${invitation.token}/accept`, { method: 'POST' }),
  );
  const keys: { idToken: string; request: CreateKeyRequest }[] = [
    { idToken: ownerIdToken, request: { label: 'Team backend', metadata: { customer_id: 'cus_demo_team' } } },
    { idToken: teammate.idToken, request: { label: 'Nightly ETL', integration: 'n8n' } },
  ];
  for (const key of keys) {
    const { secret } = createKeyResponseSchema.parse(
      await call(hostingUrl, key.idToken, `${prefix}/keys`, { method: 'POST', body: key.request }),
    );
    for (let i = 0; i < CALLS_PER_KEY; i += 1) {
      const response = await fetch(`${hostingUrl}/v1/time`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      await response.arrayBuffer();
    }
  }
  return { teamId: account.id, created: true, teammateUid: teammate.uid, operatorUid: operator.uid };
}
