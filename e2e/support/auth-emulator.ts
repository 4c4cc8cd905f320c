/**
 * The Auth emulator's side of email sign-in. It sends no email: every out-of-band code
 * (verification, password reset, sign-in link) is listed by its REST API, and a test follows
 * the link from there as a person would follow it from their inbox.
 */
import { z } from 'zod';
import { PROJECT_ID } from '../../functions/src/test-support/emulators.js';

const AUTH_URL = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099'}`;
const ADMIN = { authorization: 'Bearer owner', 'content-type': 'application/json' };

export type OobRequestType = 'VERIFY_EMAIL' | 'PASSWORD_RESET' | 'EMAIL_SIGNIN';

const oobCodesSchema = z.object({
  oobCodes: z.array(
    z.object({ email: z.string(), requestType: z.string(), oobCode: z.string(), oobLink: z.string() }),
  ),
});

export type OobCode = z.infer<typeof oobCodesSchema>['oobCodes'][number];

/** Every code the emulator has sent since it started, oldest first. */
export async function listOobCodes(): Promise<OobCode[]> {
  const response = await fetch(`${AUTH_URL}/emulator/v1/projects/${PROJECT_ID}/oobCodes`);
  if (!response.ok) throw new Error(`listing the Auth emulator's codes failed: ${response.status}`);
  return oobCodesSchema.parse(await response.json()).oobCodes;
}

/**
 * The link in the newest email of this kind to this address, waiting for it with a deadline (the
 * page may send it after showing what it shows). The emulator forgets a code once it is used;
 * `other` names a link already followed, to wait for a new one rather than take that.
 */
export async function emailedLink(
  email: string,
  type: OobRequestType,
  { other, timeoutMs = 10_000 }: { other?: string; timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sent = (await listOobCodes()).filter(
      (code) => code.email === email.toLowerCase() && code.requestType === type && code.oobLink !== other,
    );
    const newest = sent.at(-1);
    if (newest) return newest.oobLink;
    if (Date.now() > deadline) throw new Error(`no ${type} email to ${email} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const configSchema = z.object({
  emailPrivacyConfig: z.object({ enableImprovedEmailPrivacy: z.boolean() }),
});

/**
 * Turns email enumeration protection on or off and returns what it was. Projects created since
 * September 2023 have it on; the emulator starts with it off.
 */
export async function setEmailEnumerationProtection(enabled: boolean): Promise<boolean> {
  const path = `${AUTH_URL}/emulator/v1/projects/${PROJECT_ID}/config`;
  const before = configSchema.parse(await (await fetch(path, { headers: ADMIN })).json());
  const response = await fetch(path, {
    method: 'PATCH',
    headers: ADMIN,
    body: JSON.stringify({ emailPrivacyConfig: { enableImprovedEmailPrivacy: enabled } }),
  });
  if (!response.ok) throw new Error(`configuring the Auth emulator failed: ${response.status}`);
  return before.emailPrivacyConfig.enableImprovedEmailPrivacy;
}
