import { startEmulatorSuite, type EmulatorSuite, type StartOptions } from './emulator-suite.js';
import {
  prepareMailSecret,
  startMailCatcher,
  type MailMode,
  type RunningMailCatcher,
} from './mail-catcher.js';
import { prepareStripeSecrets, startStripeStandIn, type RunningStandIn, type StripeMode } from './stripe.js';

export interface LocalStack {
  suite: EmulatorSuite;
  stripe: StripeMode;
  standIn: RunningStandIn | undefined;
  mail: MailMode;
  /** The mail catcher alert emails go to, unless another SMTP server is configured. */
  mailCatcher: RunningMailCatcher | undefined;
  /** Everything a test, script or SDK needs to reach the running stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The whole system on this machine: the emulator suite, the Stripe stand-in unless real Stripe
 * secrets are configured, and the mail catcher unless another SMTP server is. `npm start`, `npm test` and `npm run emulators` all start it here.
 */
export async function startLocalStack(
  options: StartOptions & { standInDataFile?: string; requireStandIn?: boolean } = {},
): Promise<LocalStack> {
  const stripe = prepareStripeSecrets();
  if (options.requireStandIn === true && stripe.kind !== 'stand-in') {
    throw new Error(`this needs the Stripe stand-in, but ${stripe.reason} is set`);
  }
  const mail = prepareMailSecret();
  // Before the functions start: an alert may send mail as soon as they do.
  const mailCatcher = mail.kind === 'catcher' ? await startMailCatcher() : undefined;
  let suite: EmulatorSuite;
  try {
    suite = await startEmulatorSuite(options);
  } catch (error) {
    await mailCatcher?.stop();
    throw error;
  }
  let standIn: RunningStandIn | undefined;
  if (stripe.kind === 'stand-in') {
    try {
      standIn = await startStripeStandIn({
        webhookUrl: `${suite.env.KEYMETER_HOSTING_URL}/stripe/webhook`,
        webhookSecret: stripe.webhookSecret,
        ...(options.standInDataFile === undefined ? {} : { dataFile: options.standInDataFile }),
      });
    } catch (error) {
      await suite.stop();
      await mailCatcher?.stop();
      throw error;
    }
  }
  let stopped: Promise<void> | undefined;
  return {
    suite,
    stripe,
    standIn,
    mail,
    mailCatcher,
    env: { ...suite.env, ...standIn?.env, ...mailCatcher?.env },
    stop: () => {
      stopped ??= (async () => {
        await standIn?.stop();
        await suite.stop();
        await mailCatcher?.stop();
      })();
      return stopped;
    },
  };
}
