import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearProject, databasePath, isKeymeter, rest, unique, useProject } from './helpers/firestore.js';

const project = useProject('rest');
const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

describe('REST: emulator control API', () => {
  it('GET / answers Ok', async () => {
    const response = await rest('GET', '/');
    expect(response.status).toBe(200);
    expect(response.text.trim()).toBe('Ok');
  });

  it('DELETE …/documents clears the project, and only that project', async () => {
    const ref = project.db.collection(unique('clear')).doc('d');
    await ref.set({ v: 1 });
    const otherId = 'demo-conformance-rest-other';
    const otherApp = initializeApp({ projectId: otherId }, unique('other-app'));
    const other = getFirestore(otherApp).doc('kept/d');
    await other.set({ v: 2 });
    const response = await rest('DELETE', `/emulator/v1/${databasePath(project.projectId)}/documents`);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({});
    expect((await ref.get()).exists).toBe(false);
    expect((await other.get()).exists).toBe(true);
    await clearProject(otherId);
    await deleteApp(otherApp);
  });

  it('PUT :securityRules accepts rules', async () => {
    const response = await rest('PUT', `/emulator/v1/projects/${project.projectId}:securityRules`, {
      rules: {
        files: [
          {
            name: 'security.rules',
            content:
              "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n    match /{document=**} {\n      allow read, write: if false;\n    }\n  }\n}\n",
          },
        ],
      },
    });
    expect(response.status).toBe(200);
    // The official emulator may leave out an empty issue list; ours answers it explicitly.
    if (isKeymeter()) expect(response.json()).toEqual({ issues: [] });
  });
});

describe.runIf(isKeymeter())('REST: Keymeter extensions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'keymeter-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('unknown paths are 404 with a JSON error', async () => {
    const response = await rest('GET', '/no/such/endpoint');
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 404 } });
  });

  it('counts reads, writes, deletes and RPCs, and resets them', async () => {
    expect((await rest('DELETE', '/keymeter/v1/stats')).status).toBe(200);
    const collection = project.db.collection(unique('stats'));
    await collection.doc('a').set({ v: 1 });
    await collection.doc('b').set({ v: 2 });
    await collection.doc('a').delete();
    await collection.doc('b').get();
    await collection.doc('missing').get();
    await collection.get();
    await collection.where('v', '==', 99).get();
    await collection.count().get();
    const stats = (await rest('GET', '/keymeter/v1/stats')).json() as {
      reads: number;
      writes: number;
      deletes: number;
      rpcs: Record<string, number>;
    };
    // get b (1) + get missing (1) + query with 1 result (1) + empty query (1) + count (1)
    expect(stats.reads).toBe(5);
    expect(stats.writes).toBe(2);
    expect(stats.deletes).toBe(1);
    expect(stats.rpcs['Commit']).toBe(3);
    expect(stats.rpcs['BatchGetDocuments']).toBe(2);
    expect(stats.rpcs['RunQuery']).toBe(2);
    expect(stats.rpcs['RunAggregationQuery']).toBe(1);
  });

  it('exports and imports data, as firebase-tools asks for it', async () => {
    const collection = project.db.collection(unique('export'));
    await collection.doc('a').set({ n: 1, nested: { s: 'x', list: [1, 'two'] }, bytes: Buffer.from([1, 2]) });
    await collection.doc('b').collection('sub').doc('c').set({ deep: true });
    const exported = await rest('POST', `/emulator/v1/projects/${project.projectId}:export`, {
      database: databasePath(project.projectId),
      export_directory: dir,
      export_name: 'firestore_export',
    });
    expect(exported.status).toBe(200);
    const metadataFile = path.join(dir, 'firestore_export', 'firestore_export.overall_export_metadata');
    expect(JSON.parse(await readFile(metadataFile, 'utf8'))).toMatchObject({
      format: 'keymeter-firestore-emulator-export',
    });

    await clearProject(project.projectId);
    expect((await collection.doc('a').get()).exists).toBe(false);
    const imported = await rest('POST', `/emulator/v1/projects/${project.projectId}:import`, {
      metadata_file: metadataFile,
    });
    expect(imported.status).toBe(200);
    expect((await collection.doc('a').get()).data()).toEqual({
      n: 1,
      nested: { s: 'x', list: [1, 'two'] },
      bytes: Buffer.from([1, 2]),
    });
    expect((await collection.doc('b').collection('sub').doc('c').get()).get('deep')).toBe(true);
  });

  it('a foreign export is refused with a clear error', async () => {
    const foreign = path.join(dir, 'foreign.overall_export_metadata');
    await writeFile(foreign, Buffer.from([0x0a, 0x12, 0x00, 0x9c, 0xff, 0x01]));
    const response = await rest('POST', `/emulator/v1/projects/${project.projectId}:import`, {
      metadata_file: foreign,
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('is not an export written by the Keymeter Firestore emulator');
  });

  it('the CLI seeds from an export, prints its readiness line and stops on SIGINT', async () => {
    const source = project.db.collection(unique('seed')).doc('s');
    await source.set({ seeded: 'yes' });
    await rest('POST', `/emulator/v1/projects/${project.projectId}:export`, {
      database: databasePath(project.projectId),
      export_directory: dir,
      export_name: 'seed_export',
    });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(packageDir, 'src', 'cli.ts'),
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--project_id',
        'demo-seeded',
        '--seed_from_export',
        path.join(dir, 'seed_export', 'seed_export.overall_export_metadata'),
        '--single_project_mode',
        'true',
        '--websocket_port',
        '9150',
        '--database-edition',
        'standard',
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no readiness line:\n${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /export FIRESTORE_EMULATOR_HOST=(\S+)/.exec(output);
          if (match?.[1] !== undefined && output.includes('Dev App Server is now running.')) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      const name = `projects/demo-seeded/databases/(default)/documents/${source.path}`;
      const response = await fetch(`http://${address}/`);
      expect(response.status).toBe(200);
      const seeded = await new Promise<string>((resolve, reject) => {
        const app = initializeApp({ projectId: 'demo-seeded' }, unique('seeded-app'));
        // The SDK takes FIRESTORE_EMULATOR_HOST over any host setting, when the client is created.
        const suiteHost = process.env['FIRESTORE_EMULATOR_HOST'];
        process.env['FIRESTORE_EMULATOR_HOST'] = address;
        const db = getFirestore(app);
        process.env['FIRESTORE_EMULATOR_HOST'] = suiteHost;
        db.doc(source.path)
          .get()
          .then((snapshot) => resolve(`${name}:${String(snapshot.get('seeded'))}`), reject)
          .finally(() => void deleteApp(app));
      });
      expect(seeded).toBe(`${name}:yes`);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });

  it('the CLI rejects unknown flags', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(packageDir, 'src', 'cli.ts'), '--bogus_flag', '1'],
      {
        cwd: packageDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) =>
      child.once('exit', (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown flag --bogus_flag');
  });
});
