/**
 * Alerts in a real browser against the whole stack: a webhook registered on the Alerts page (its
 * secret shown once) gets a signed test event that the delivery log then shows; an alert fired
 * as the usage fold fires one reaches the bell, where it is marked read, and the mail catcher.
 * Both at 1280 px and 375 px wide, into `screenshots/`, neither scrolling sideways.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId } from '../functions/src/alerts/alert-doc.js';
import { signatureOf } from '../functions/src/alerts/signature.js';
import { ALERTS, NOTIFICATIONS } from '../functions/src/lib/collections.js';
import { utcPeriod } from '../functions/src/shared/dates.js';
import { adminDb, clearEmulators, waitForDoc } from '../functions/src/test-support/emulators.js';
import { dashboardUrl, usePagePerTest } from './support/browser.js';
import { uidOf } from './support/keys.js';
import { region, waitForLoaded } from './support/pages.js';
import { captureAtBothWidths } from './support/screenshots.js';
import { newAccount, signIn } from './support/sign-in.js';

const tab = usePagePerTest();
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let receiver: Server;
let receiverUrl: string;
const MAIL_CATCHER = process.env.KEYMETER_MAIL_CATCHER_URL ?? 'http://127.0.0.1:1080';

beforeAll(async () => {
  await clearEmulators();
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function openAlerts(): Promise<void> {
  await tab.page.goto(dashboardUrl('/alerts'));
  await tab.page.getByRole('heading', { name: 'Alerts', exact: true, level: 1 }).waitFor();
  await waitForLoaded(tab.page);
}

describe('alerts', () => {
  it('registers a webhook, shows its secret once, and delivers a signed test event', async () => {
    await signIn(tab.page, 'google', newAccount('Katherine Johnson'));
    await openAlerts();
    const webhook = region(tab.page, 'Webhook');
    await webhook.getByLabel('Endpoint URL').fill(`${receiverUrl}/hook`);
    await webhook.getByRole('button', { name: 'Register webhook' }).click();
    const secret = await webhook.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    await webhook.getByRole('button', { name: 'Copy secret' }).click();
    expect(await tab.page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await webhook.getByRole('button', { name: 'Done' }).click();
    await webhook.getByText(`${receiverUrl}/hook`).waitFor();
    expect(await tab.page.content()).not.toContain(secret);

    await webhook.getByRole('button', { name: 'Send test event' }).click();
    await tab.page.getByText('Test event delivered (HTTP 204)', { exact: true }).waitFor();
    const log = region(tab.page, 'Delivery log');
    await log.getByText('alert.test').waitFor();
    await log.getByText('Delivered', { exact: true }).waitFor();
    const [request] = received;
    if (request === undefined) throw new Error('the receiver got nothing');
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['keymeter-signature'])) ?? [];
    expect(v1).toBe(signatureOf(secret, Number(t), request.body));

    const shots = await captureAtBothWidths(tab.page, 'alerts', openAlerts);
    expect(shots.flatMap((shot) => shot.overflow)).toEqual([]);
  });

  it('shows a fired alert in the bell, marks it read there, and mails it to the owner', async () => {
    const account = newAccount('Dorothy Vaughan');
    await signIn(tab.page, 'google', account);
    const uid = await uidOf(account.email);
    const period = utcPeriod(new Date());
    const id = alertId({ account_id: uid, period, kind: 'quota_threshold', threshold: 80, key_id: null });
    await adminDb().collection(ALERTS).doc(id).create({
      account_id: uid,
      kind: 'quota_threshold',
      threshold: 80,
      period,
      key_id: null,
      meter: 'units',
      value: 800,
      limit: 1000,
      fired_at: Timestamp.now(),
    });
    await waitForDoc(adminDb().collection(NOTIFICATIONS).doc(id), (data) => data !== undefined);

    await tab.page.reload();
    const title = `80% of the monthly quota used (${period})`;
    const shots = await captureAtBothWidths(
      tab.page,
      'notifications',
      async () => {
        await tab.page.keyboard.press('Escape');
        await tab.page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
        await tab.page.getByRole('menuitem', { name: `Unread: ${title}` }).waitFor();
      },
      { fullPage: false },
    );
    expect(shots.flatMap((shot) => shot.overflow)).toEqual([]);
    await tab.page.getByRole('menuitem', { name: `Unread: ${title}` }).click();
    await tab.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

    const deadline = Date.now() + 30_000;
    for (;;) {
      const mails = (await (await fetch(`${MAIL_CATCHER}/api/email`)).json()) as {
        subject: string;
        to: { address: string }[];
      }[];
      const mine = mails.filter((mail) => mail.to.some((to) => to.address === account.email));
      if (mine.length > 0) {
        expect(mine.map((mail) => mail.subject)).toEqual([`Keymeter: ${title}`]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${account.email} in the catcher`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});
