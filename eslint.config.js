import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FEATURES = [
  'keys',
  'usage',
  'billing',
  'settings',
  'admin',
  'overview',
  'auth',
  'alerts',
  'docs',
  'team',
  'audit-log',
];

/**
 * The functions' rooms, floor by floor from the ground up (STYLE.md, "Layers, not circles"). A
 * room imports only rooms on the floors below it: never a room above, never a room on its own
 * floor, so the folders cannot form a circle. import-x/no-cycle catches circles between the
 * modules of one room.
 */
const FN = './functions/src';
const FUNCTION_FLOORS = [
  ['shared'], // the contract the dashboard imports too
  ['lib'],
  ['http'],
  ['accounts'], // who the caller is, which account it acts for
  ['alerts'], // usage alerts: settings and delivery; the lease ledger (keys/) fires them
  ['keys', 'billing'],
  ['usage'], // usage of keys: stats, folds, the monthly close
  ['account', 'admin'], // account-wide and admin endpoints over the features
  ['api', 'dashboard'], // the two HTTPS entry points
  ['index.ts'], // wires exports
];
const FUNCTION_ROOMS = FUNCTION_FLOORS.flat();
const roomName = (room) => (room.endsWith('.ts') ? room : `${room}/`);

/** Tests may use test-support/; product code may not (the build would pull it into the deploy). */
function functionZones({ product }) {
  const layers = FUNCTION_FLOORS.flatMap((floor, level) => {
    const below = FUNCTION_FLOORS.slice(0, level).flat().map(roomName);
    return floor.map((room) => ({
      target: `${FN}/${room}`,
      from: FUNCTION_FLOORS.slice(level)
        .flat()
        .filter((other) => other !== room)
        .map((other) => `${FN}/${other}`),
      message:
        below.length === 0
          ? `Layers, not circles: ${roomName(room)} imports no other room.`
          : `Layers, not circles: ${roomName(room)} imports only the floors below it (${below.join(', ')}).`,
    }));
  });
  const testSupport = {
    target: FUNCTION_ROOMS.map((room) => `${FN}/${room}`),
    from: `${FN}/test-support`,
    message: 'test-support/ is for tests only.',
  };
  return [...layers.filter((zone) => zone.from.length > 0), ...(product ? [testSupport] : [])];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'functions/lib/**',
      'tools/*/lib/**',
      '.emulator-data/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Functions log through their structured logger; tools and scripts are command-line programs.
    files: ['scripts/**', 'bench/**', 'tools/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Scripts the browser tests serve to pages.
    files: ['e2e/support/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, 'import-x': importX },
    // Without a resolver that knows .ts(x) and the tsconfig `paths`, no import resolves and the
    // zones below silently pass everything.
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
          tsconfig: { configFile: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) },
        }),
      ],
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Features do not import each other; shared pieces move down to components/ or lib/.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...FEATURES.map((feature) => ({
              target: `./src/features/${feature}`,
              from: './src/features',
              except: [`./${feature}`],
            })),
            { target: './src/features', from: './src/app' },
            {
              target: ['./src/components', './src/lib', './src/config'],
              from: ['./src/features', './src/app'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle follows only the files it parses; without these it reads no .ts file and passes.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.json'],
          extensionAlias: { '.js': ['.ts', '.js'] },
          tsconfig: { configFile: fileURLToPath(new URL('./functions/tsconfig.json', import.meta.url)) },
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: functionZones({ product: false }) }],
    },
  },
  {
    files: ['functions/src/**/*.ts'],
    ignores: ['functions/src/**/*.test.ts', 'functions/src/test-support/**'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: functionZones({ product: true }) }],
    },
  },
);
