import { z } from 'zod';

const booleanString = z.enum(['true', 'false']).transform((value) => value === 'true');

const envSchema = z
  .object({
    VITE_FIREBASE_API_KEY: z.string().min(1),
    VITE_FIREBASE_AUTH_DOMAIN: z.string().min(1),
    VITE_FIREBASE_PROJECT_ID: z.string().regex(/^[a-z0-9-]{4,30}$/, 'expected a Firebase project id'),
    VITE_USE_EMULATORS: booleanString.default(false),
    VITE_AUTH_EMULATOR_URL: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.VITE_USE_EMULATORS && !env.VITE_AUTH_EMULATOR_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['VITE_AUTH_EMULATOR_URL'],
        message: 'required when VITE_USE_EMULATORS=true',
      });
    }
    // A demo- project exists only inside the emulators; against production it cannot sign anyone in.
    if (!env.VITE_USE_EMULATORS && env.VITE_FIREBASE_PROJECT_ID.startsWith('demo-')) {
      ctx.addIssue({
        code: 'custom',
        path: ['VITE_USE_EMULATORS'],
        message: `must be true for the demo project ${env.VITE_FIREBASE_PROJECT_ID}`,
      });
    }
  })
  .transform((env) => ({
    firebase: {
      apiKey: env.VITE_FIREBASE_API_KEY,
      authDomain: env.VITE_FIREBASE_AUTH_DOMAIN,
      projectId: env.VITE_FIREBASE_PROJECT_ID,
    },
    authEmulatorUrl: env.VITE_USE_EMULATORS ? (env.VITE_AUTH_EMULATOR_URL ?? null) : null,
  }));

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseEnv(raw: Record<string, unknown>): Env {
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || 'env'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid dashboard configuration (.env):\n${problems.join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The parsed `VITE_*` configuration; throws a ConfigError naming every bad variable. */
export function getEnv(): Env {
  cached ??= parseEnv(import.meta.env);
  return cached;
}
