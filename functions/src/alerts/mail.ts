/**
 * Alert emails, with nodemailer over SMTP: `SMTP_URL` (a secret, e.g.
 * `smtps://user:pass@smtp.example.com:465`) and `MAIL_FROM` (a param). Locally the stack's mail
 * catcher is the SMTP server (scripts/lib/mail-catcher.ts). Without SMTP_URL (empty or `none`)
 * nothing is sent: the mail is logged (`alert_mail_skipped`) and marked skipped.
 *
 * At most once per alert: `alert_emails/{alert_id}` is created, in a transaction, as `sending`
 * before the mail goes out, and the trigger sends only if it created it. A crash between the
 * SMTP server accepting the mail and marking it `sent` leaves it `sending`: a redelivered trigger
 * finds it and sends nothing, so that mail was sent once, or — if the crash came before the
 * server took it — not at all. Never twice. A refused mail (bad address, server down) is marked
 * `failed` with its reason and not retried; the in-app notification and the webhook still carry
 * the alert.
 */
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { defineSecret, defineString } from 'firebase-functions/params';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, ALERT_EMAILS, MEMBERS, USERS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import type { AlertDoc } from './alert-doc.js';
import type { AlertText } from './alert-text.js';
import type { AlertSettingsDoc } from './settings.js';

export const smtpUrl = defineSecret('SMTP_URL');
const mailFrom = defineString('MAIL_FROM', {
  description: 'Sender of alert emails, e.g. "Keymeter <alerts@example.com>"',
});

/** Secrets the trigger must declare so that the runtime mounts them. */
export const MAIL_SECRETS = [smtpUrl];

const DAY_MS = 86_400_000;
const MAIL_RECORD_TTL_MS = 90 * DAY_MS;
const SMTP_TIMEOUT_MS = 10_000;
const MAX_OWNERS = 5;

export interface MailConfig {
  smtpUrl: string;
  from: string;
}

export type MailConfigResult =
  { ok: true; config: MailConfig } | { ok: false; reason: 'not_configured' | 'invalid'; problems: string[] };

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const fromSchema = z
  .string()
  .trim()
  .refine((value) => {
    const named = /^([^\r\n<>]*)<([^<>]+)>$/.exec(value);
    return ADDRESS.test(named?.[2] ?? value);
  }, 'not an address such as "Keymeter <alerts@example.com>"');

/** Reads the two params; its problems name the parameter, never its value. */
export function parseMailConfig(raw: { SMTP_URL?: string; MAIL_FROM?: string }): MailConfigResult {
  const url = (raw.SMTP_URL ?? '').trim();
  if (url === '' || url.toLowerCase() === 'none')
    return { ok: false, reason: 'not_configured', problems: ['SMTP_URL: not set'] };
  const problems: string[] = [];
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:')
    problems.push('SMTP_URL: not an smtp:// or smtps:// URL');
  const from = fromSchema.safeParse(raw.MAIL_FROM ?? '');
  if (!from.success) problems.push(`MAIL_FROM: ${from.error.issues[0]?.message ?? 'invalid'}`);
  if (!from.success || problems.length > 0) return { ok: false, reason: 'invalid', problems };
  return { ok: true, config: { smtpUrl: url, from: from.data } };
}

let configResult: MailConfigResult | undefined;

function mailConfig(): MailConfigResult {
  if (configResult === undefined) {
    configResult = parseMailConfig({ SMTP_URL: smtpUrl.value(), MAIL_FROM: mailFrom.value() });
    if (!configResult.ok && configResult.reason === 'invalid')
      log.mailNotConfigured({ problems: configResult.problems });
  }
  return configResult;
}

let transport: Transporter | undefined;

function transportFor(config: MailConfig): Transporter {
  transport ??= nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: 2 * SMTP_TIMEOUT_MS,
  });
  return transport;
}

export interface AlertMail {
  subject: string;
  text: string;
}

export function composeAlertMail(text: AlertText): AlertMail {
  return {
    subject: `Keymeter: ${text.title}`,
    text: [
      text.body,
      '',
      'Change these alerts, or who gets them, on the Alerts page of the Keymeter dashboard.',
    ].join('\n'),
  };
}

/** The owners' emails (a personal account has one owner, its user; a team may have several). */
async function ownerEmails(accountId: string): Promise<string[]> {
  const firestore = db();
  const owners = await firestore
    .collection(ACCOUNTS)
    .doc(accountId)
    .collection(MEMBERS)
    .where('role', '==', 'owner')
    .limit(MAX_OWNERS)
    .get();
  if (owners.empty) return [];
  const users = await firestore.getAll(
    ...owners.docs.map((owner) => firestore.collection(USERS).doc(owner.id)),
  );
  return users.flatMap((user) => {
    const email: unknown = user.get('email');
    return typeof email === 'string' && ADDRESS.test(email) ? [email] : [];
  });
}

export type MailOutcome = 'sent' | 'skipped' | 'disabled' | 'failed' | 'no_recipients' | 'already_handled';

function fieldOf(error: unknown, field: string): string | undefined {
  if (typeof error !== 'object' || error === null || !(field in error)) return undefined;
  const value: unknown = (error as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Sends the alert's email once, or records why not. */
export async function sendAlertMail(
  alertId: string,
  alert: AlertDoc,
  settings: AlertSettingsDoc,
  text: AlertText,
  now: Date,
): Promise<MailOutcome> {
  const ref = db().collection(ALERT_EMAILS).doc(alertId);
  const enabled = settings.email.enabled;
  const to = enabled
    ? settings.email.recipients.length > 0
      ? settings.email.recipients
      : await ownerEmails(alert.account_id)
    : [];
  const claimed = await db().runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return false;
    tx.create(ref, {
      account_id: alert.account_id,
      status: enabled ? (to.length > 0 ? 'sending' : 'no_recipients') : 'disabled',
      to,
      claimed_at: Timestamp.fromDate(now),
      finished_at: null,
      message_id: null,
      error: null,
      expire_at: Timestamp.fromMillis(now.getTime() + MAIL_RECORD_TTL_MS),
    });
    return true;
  });
  if (!claimed) return 'already_handled';
  if (!enabled) return 'disabled';
  if (to.length === 0) return 'no_recipients';

  const mail = composeAlertMail(text);
  const finish = (fields: Record<string, unknown>) =>
    ref.update({ ...fields, finished_at: FieldValue.serverTimestamp() });
  const config = mailConfig();
  if (!config.ok) {
    log.alertMailSkipped({
      alert_id: alertId,
      account_id: alert.account_id,
      reason: config.problems.join('; '),
      to,
      subject: mail.subject,
      text: mail.text,
    });
    await finish({ status: 'skipped', error: config.reason });
    return 'skipped';
  }
  try {
    const info: unknown = await transportFor(config.config).sendMail({
      from: config.config.from,
      to,
      subject: mail.subject,
      text: mail.text,
      headers: { 'X-Keymeter-Alert-Id': alertId },
    });
    const messageId = fieldOf(info, 'messageId') ?? '';
    await finish({ status: 'sent', message_id: messageId });
    log.alertMailSent({
      alert_id: alertId,
      account_id: alert.account_id,
      recipients: to.length,
      message_id: messageId,
    });
    return 'sent';
  } catch (error) {
    log.alertMailFailed({ alert_id: alertId, account_id: alert.account_id }, error);
    const code = fieldOf(error, 'responseCode') ?? fieldOf(error, 'code') ?? 'error';
    await finish({ status: 'failed', error: `smtp: ${code}` });
    return 'failed';
  }
}

export type PlainMailOutcome = 'sent' | 'not_configured' | 'failed';

/**
 * One message through the same SMTP path as the alerts, with no once-only record: for mail a
 * person asked for and can ask for again (an invitation). Says when mail is not configured, so
 * the caller can hand the link over another way.
 */
export async function sendPlainMail(message: {
  to: string;
  subject: string;
  text: string;
}): Promise<PlainMailOutcome> {
  const config = mailConfig();
  if (!config.ok) return 'not_configured';
  try {
    await transportFor(config.config).sendMail({ from: config.config.from, ...message });
    return 'sent';
  } catch (error) {
    log.plainMailFailed({ subject: message.subject }, error);
    return 'failed';
  }
}
