import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '@/config/env';

const DEMO = {
  VITE_FIREBASE_API_KEY: 'demo-api-key',
  VITE_FIREBASE_AUTH_DOMAIN: 'demo-keymeter.firebaseapp.com',
  VITE_FIREBASE_PROJECT_ID: 'demo-keymeter',
  VITE_USE_EMULATORS: 'true',
  VITE_AUTH_EMULATOR_URL: 'http://127.0.0.1:9099',
};

describe('dashboard configuration', () => {
  it('accepts the committed demo values', () => {
    expect(parseEnv(DEMO)).toEqual({
      firebase: {
        apiKey: 'demo-api-key',
        authDomain: 'demo-keymeter.firebaseapp.com',
        projectId: 'demo-keymeter',
      },
      authEmulatorUrl: 'http://127.0.0.1:9099',
    });
  });

  it('names every missing or bad variable at once', () => {
    const attempt = () => parseEnv({ VITE_USE_EMULATORS: 'yes' });
    expect(attempt).toThrowError(ConfigError);
    expect(attempt).toThrowError(
      /VITE_FIREBASE_API_KEY[\s\S]*VITE_FIREBASE_PROJECT_ID[\s\S]*VITE_USE_EMULATORS/,
    );
  });

  it('needs the Auth emulator URL when emulators are on', () => {
    expect(() => parseEnv({ ...DEMO, VITE_AUTH_EMULATOR_URL: undefined })).toThrowError(
      /VITE_AUTH_EMULATOR_URL: required/,
    );
  });

  it('refuses a demo project without the emulators', () => {
    expect(() => parseEnv({ ...DEMO, VITE_USE_EMULATORS: 'false' })).toThrowError(
      /must be true for the demo project/,
    );
  });

  it('ignores the emulator URL for a real project', () => {
    expect(
      parseEnv({ ...DEMO, VITE_FIREBASE_PROJECT_ID: 'keymeter-prod', VITE_USE_EMULATORS: 'false' })
        .authEmulatorUrl,
    ).toBeNull();
  });
});
