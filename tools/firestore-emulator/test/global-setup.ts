import net from 'node:net';
import type { TestProject } from 'vitest/node';
import { startEmulator } from '../src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the Firestore emulator under test. */
    firestoreHost: string;
    /** True when the server is the Keymeter emulator (it answers GET /keymeter/v1/stats). */
    keymeter: boolean;
    /** Port the suite's stand-in Functions emulator must listen on, when the suite started the emulator itself. */
    functionsPort: number | null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isKeymeter(host: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}/keymeter/v1/stats`);
    return response.ok;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env['FIRESTORE_EMULATOR_HOST'];
  if (external !== undefined && external !== '') {
    project.provide('firestoreHost', external);
    project.provide('keymeter', await isKeymeter(external));
    project.provide('functionsPort', null);
    return async () => {};
  }
  const functionsPort = await freePort();
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    functionsEmulator: `127.0.0.1:${functionsPort}`,
    logLevel: 'warn',
  });
  project.provide('firestoreHost', emulator.address);
  project.provide('keymeter', true);
  project.provide('functionsPort', functionsPort);
  return () => emulator.close();
}
