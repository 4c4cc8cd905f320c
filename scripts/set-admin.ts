/**
 * Grants or removes the operator (`admin`) claim, which the Admin page and `/admin/*` routes
 * check:
 *
 *   npm run set-admin -- someone@example.com            # grant
 *   npm run set-admin -- someone@example.com --remove   # remove
 *
 * Against the running emulator suite by default; against a real project with
 * GOOGLE_APPLICATION_CREDENTIALS (a service account key) and GCLOUD_PROJECT set. The user's other
 * custom claims are kept. The change reaches the user's ID token at its next refresh (within an
 * hour, or at once after signing out and in).
 */
import { z } from 'zod';
import { auth } from '../functions/src/lib/firebase.js';
import { useLocalEmulators } from './lib/emulator-suite.js';

const argsSchema = z.union([
  z.tuple([z.string().email()]).transform(([email]) => ({ email, grant: true })),
  z.tuple([z.string().email(), z.literal('--remove')]).transform(([email]) => ({ email, grant: false })),
]);

async function main(): Promise<number> {
  const args = argsSchema.safeParse(process.argv.slice(2));
  if (!args.success) {
    console.error('usage: npm run set-admin -- <email> [--remove]');
    return 2;
  }
  if (process.env.GOOGLE_APPLICATION_CREDENTIALS === undefined) useLocalEmulators();
  const user = await auth().getUserByEmail(args.data.email);
  const { admin: _previous, ...others } = user.customClaims ?? {};
  await auth().setCustomUserClaims(user.uid, args.data.grant ? { ...others, admin: true } : others);
  console.log(
    `${args.data.grant ? 'Granted' : 'Removed'} the admin claim ${args.data.grant ? 'to' : 'from'} ${user.email ?? user.uid} (uid ${user.uid}).`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
