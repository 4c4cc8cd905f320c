/**
 * One-off migration to accounts: what a user owned (plan, Stripe customer, keys, usage) moves to
 * the user's personal account, whose id is the user's uid.
 *
 *   npm run migrate:accounts
 *
 * For every `users/{uid}`: creates `accounts/{uid}` and its owner `members/{uid}` if missing,
 * carrying the plan and Stripe fields over, then removes those fields from the profile. For every
 * key with `user_id`: sets `account_id`, `created_by`, `budget_id` (a rolled key's successor gets
 * its lineage's first key's id, found through the `replaced_by` links) and empty per-key caps,
 * and removes `user_id`, `tier` and `rate_limit_*`. Daily, monthly and usage batch documents get
 * `account_id` for `user_id` (their ids already start with the uid, which is the account id).
 *
 * Idempotent: every document is checked before it is written, so a second run writes nothing and
 * prints zeros, and a run stopped anywhere is finished by running it again. Safe while the system
 * serves (run it right after deploying the functions that read accounts): each collection is
 * walked by document id a page at a time, a profile and its account are written in one
 * transaction with the check that they still need it, a key too (so a cap set through the
 * dashboard meanwhile is kept), and usage documents only get fields renamed, which no running
 * function writes any more.
 *
 * Against the running emulator suite by default; against production with
 * GOOGLE_APPLICATION_CREDENTIALS and GCLOUD_PROJECT set and FIRESTORE_EMULATOR_HOST unset.
 */
import { pathToFileURL } from 'node:url';
import {
  FieldPath,
  FieldValue,
  type CollectionReference,
  type DocumentData,
  type QueryDocumentSnapshot,
} from 'firebase-admin/firestore';
import { accountRef, memberRef } from '../functions/src/accounts/account-doc.js';
import { createPersonalAccount, LEGACY_ACCOUNT_FIELDS } from '../functions/src/accounts/profile.js';
import { db } from '../functions/src/lib/firebase.js';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  ACCOUNT_BUDGETS,
  USERS,
} from '../functions/src/lib/collections.js';
import { utcPeriod } from '../functions/src/shared/dates.js';
import { useLocalEmulators } from './lib/emulator-suite.js';

/** Documents changed, per kind. A run over migrated data counts zero everywhere. */
export interface MigrationCounts {
  accounts_created: number;
  /** Owner memberships made for an account that had lost its own (or one made with it). */
  members_created: number;
  profiles_cleaned: number;
  keys: number;
  usage_daily: number;
  usage_monthly: number;
  usage_batches: number;
}

export interface MigrationResult {
  changed: MigrationCounts;
  /** Documents read while walking the collections (not counted: the lineage lookups). */
  scanned: number;
}

const LEGACY_KEY_FIELDS = ['user_id', 'tier', 'rate_limit_monthly', 'rate_limit_per_minute'] as const;
/** Writes in flight at once: enough to keep Firestore busy, few enough to leave room for traffic. */
const CONCURRENCY = 16;
/** Longer roll chains than this are a loop in the data, not a lineage. */
const MAX_LINEAGE = 1_000;

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Every document of the collection, a page at a time, in document id order. */
async function* pagesById(
  collection: CollectionReference,
  pageSize: number,
): AsyncGenerator<QueryDocumentSnapshot[]> {
  let after: string | undefined;
  for (;;) {
    let query = collection.orderBy(FieldPath.documentId()).limit(pageSize);
    if (after !== undefined) query = query.startAfter(after);
    const page = await query.get();
    if (page.size > 0) yield page.docs;
    after = page.docs.at(-1)?.id;
    if (page.size < pageSize || after === undefined) return;
  }
}

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function hasLegacyAccountFields(profile: DocumentData): boolean {
  return LEGACY_ACCOUNT_FIELDS.some((field) => profile[field] !== undefined);
}

/**
 * The personal account and its owner membership (made from the profile's legacy fields, if
 * missing), then a clean profile, in one transaction that reads all three first.
 */
async function migrateUser(uid: string, result: MigrationResult): Promise<void> {
  const firestore = db();
  const userRef = firestore.collection(USERS).doc(uid);
  const outcome = await firestore.runTransaction(async (tx) => {
    const [user, account, member] = await tx.getAll(userRef, accountRef(uid), memberRef(uid, uid));
    const profile = user?.data();
    if (profile === undefined) return { account: false, member: false, cleaned: false };
    const missing = { account: account?.exists !== true, member: member?.exists !== true };
    if (missing.account || missing.member) createPersonalAccount(tx, uid, profile, missing);
    const cleaned = hasLegacyAccountFields(profile);
    if (cleaned)
      tx.update(
        userRef,
        Object.fromEntries(LEGACY_ACCOUNT_FIELDS.map((field) => [field, FieldValue.delete()])),
      );
    return { ...missing, cleaned };
  });
  if (outcome.account) result.changed.accounts_created += 1;
  if (outcome.member) result.changed.members_created += 1;
  if (outcome.cleaned) result.changed.profiles_cleaned += 1;
}

async function migrateUsers(pageSize: number, result: MigrationResult): Promise<void> {
  const firestore = db();
  for await (const page of pagesById(firestore.collection(USERS), pageSize)) {
    result.scanned += page.length;
    const owned = await firestore.getAll(
      ...page.flatMap((user) => [accountRef(user.id), memberRef(user.id, user.id)]),
    );
    const pending = page.filter(
      (user, index) =>
        owned[2 * index]?.exists !== true ||
        owned[2 * index + 1]?.exists !== true ||
        hasLegacyAccountFields(user.data()),
    );
    await eachLimited(pending, (user) => migrateUser(user.id, result));
  }
}

/**
 * The id of the first key of `keyId`'s chain of rolls: a successor's predecessor is the key whose
 * `replaced_by` names it. A predecessor already migrated (or made by a roll since accounts) knows
 * its lineage's id already.
 */
async function lineageRoot(keyId: string): Promise<string> {
  const keys = db().collection(API_KEYS);
  const seen = new Set<string>([keyId]);
  let current = keyId;
  for (let step = 0; step < MAX_LINEAGE; step += 1) {
    const predecessor = (await keys.where('replaced_by', '==', current).limit(1).get()).docs[0];
    if (predecessor === undefined || seen.has(predecessor.id)) return current;
    const known = nonEmptyString(predecessor.get('budget_id'));
    if (known !== undefined) return known;
    seen.add(predecessor.id);
    current = predecessor.id;
  }
  return current;
}

function keyNeedsMigration(key: DocumentData): boolean {
  return key.user_id !== undefined;
}

async function migrateKey(keyId: string, result: MigrationResult): Promise<void> {
  const firestore = db();
  const ref = firestore.collection(API_KEYS).doc(keyId);
  const budgetId = await lineageRoot(keyId);
  const period = utcPeriod(new Date());
  const changed = await firestore.runTransaction(async (tx) => {
    const key = (await tx.get(ref)).data();
    if (key === undefined || !keyNeedsMigration(key)) return false;
    const owner = nonEmptyString(key.user_id);
    const accountId = nonEmptyString(key.account_id) ?? owner;
    if (accountId === undefined) return false;
    const carried = carriedUsage(key, period);
    const budgetRef = firestore.collection(ACCOUNT_BUDGETS).doc(accountId);
    const budget = carried > 0 ? (await tx.get(budgetRef)).data() : undefined;
    // Only what is missing: a field written since (a cap set in the dashboard) is kept.
    const fields: DocumentData = Object.fromEntries(
      LEGACY_KEY_FIELDS.map((field) => [field, FieldValue.delete()]),
    );
    if (key.account_id === undefined) fields.account_id = accountId;
    if (key.created_by === undefined) fields.created_by = owner ?? accountId;
    if (key.budget_id === undefined) fields.budget_id = budgetId;
    if (key.cap_monthly === undefined) fields.cap_monthly = null;
    if (key.cap_per_minute === undefined) fields.cap_per_minute = null;
    tx.update(ref, fields);
    // In the same transaction as the key leaves its legacy shape: counted once, however often this runs.
    if (carried > 0) {
      if (budget?.period === period) tx.update(budgetRef, { period_granted: FieldValue.increment(carried) });
      else tx.set(budgetRef, { account_id: accountId, period, period_granted: carried, windows: {} });
    }
    return true;
  });
  if (changed) result.changed.keys += 1;
}

/**
 * What a legacy key used of this month's quota, carried into the account's ledger so the
 * quota does not start again at the deploy. A rolled key's successor was created with its
 * predecessor's count, so a key with a successor adds nothing (its calls in the grace period,
 * which the old design counted twice, are forgiven rather than charged twice).
 */
function carriedUsage(key: DocumentData, period: string): number {
  if (key.replaced_by !== undefined || key.usage_period !== period) return 0;
  const used: unknown = key.monthly_usage;
  return typeof used === 'number' && Number.isInteger(used) && used > 0 ? used : 0;
}

async function migrateKeys(pageSize: number, result: MigrationResult): Promise<void> {
  for await (const page of pagesById(db().collection(API_KEYS), pageSize)) {
    result.scanned += page.length;
    await eachLimited(
      page.filter((key) => keyNeedsMigration(key.data())),
      (key) => migrateKey(key.id, result),
    );
  }
}

const NOT_FOUND = 5;

/** `user_id` → `account_id` on each document that has it; one deleted meanwhile is skipped. */
async function renameOwnerField(
  collection: string,
  pageSize: number,
  result: MigrationResult,
  counter: 'usage_daily' | 'usage_monthly' | 'usage_batches',
): Promise<void> {
  for await (const page of pagesById(db().collection(collection), pageSize)) {
    result.scanned += page.length;
    const legacy = page.filter((doc) => doc.get('user_id') !== undefined);
    await eachLimited(legacy, async (doc) => {
      const accountId = nonEmptyString(doc.get('account_id')) ?? nonEmptyString(doc.get('user_id'));
      const fields: DocumentData = { user_id: FieldValue.delete() };
      if (accountId !== undefined) fields.account_id = accountId;
      try {
        await doc.ref.update(fields);
        result.changed[counter] += 1;
      } catch (error) {
        if ((error as { code?: unknown }).code !== NOT_FOUND) throw error;
      }
    });
  }
}

export async function migrateAccounts(
  options: { pageSize?: number; progress?: (line: string) => void } = {},
): Promise<MigrationResult> {
  const pageSize = options.pageSize ?? 300;
  const progress = options.progress ?? (() => undefined);
  const result: MigrationResult = {
    changed: {
      accounts_created: 0,
      members_created: 0,
      profiles_cleaned: 0,
      keys: 0,
      usage_daily: 0,
      usage_monthly: 0,
      usage_batches: 0,
    },
    scanned: 0,
  };
  progress('users → personal accounts …');
  await migrateUsers(pageSize, result);
  progress('keys …');
  await migrateKeys(pageSize, result);
  for (const [collection, counter] of [
    [API_USAGE_DAILY, 'usage_daily'],
    [API_USAGE_MONTHLY, 'usage_monthly'],
    [API_USAGE_EVENTS, 'usage_batches'],
  ] as const) {
    progress(`${collection} …`);
    await renameOwnerField(collection, pageSize, result, counter);
  }
  return result;
}

async function main(): Promise<number> {
  if (process.argv.length > 2) {
    console.error('usage: npm run migrate:accounts   (no arguments)');
    return 2;
  }
  if (process.env.GOOGLE_APPLICATION_CREDENTIALS === undefined) useLocalEmulators();
  const target =
    process.env.FIRESTORE_EMULATOR_HOST ?? `project ${process.env.GCLOUD_PROJECT ?? '(default)'}`;
  console.log(`Migrating to accounts in ${target}:`);
  const { changed, scanned } = await migrateAccounts({
    progress: (line) => console.log(`  ${line}`),
  });
  console.log(
    `Read ${scanned} document(s). Changed: ${changed.accounts_created} account(s) and ` +
      `${changed.members_created} owner membership(s) created, ${changed.profiles_cleaned} profile(s) cleaned, ` +
      `${changed.keys} key(s), ${changed.usage_daily} daily, ${changed.usage_monthly} monthly and ` +
      `${changed.usage_batches} usage batch document(s).`,
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
