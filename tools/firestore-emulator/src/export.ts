import { createReadStream } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { EmulatorContext } from './context.js';
import { invalidArgument } from './errors.js';
import { fieldsFromJson, fieldsToJson } from './proto/json.js';
import type { Database, PendingChange } from './store/database.js';
import { formatTimestamp } from './timestamp.js';

/**
 * Exports use our own format (the official emulator's LevelDB-based one is not readable here):
 *
 *   {export_directory}/{export_name}/{export_name}.overall_export_metadata   JSON, see ExportMetadata
 *   {export_directory}/{export_name}/documents.ndjson                        one document per line
 *
 * firebase-tools only needs the metadata file name (it passes it back as --seed_from_export).
 */
export const EXPORT_FORMAT = 'keymeter-firestore-emulator-export';
const DATA_FILE = 'documents.ndjson';

interface ExportMetadata {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: 1;
  readonly project: string;
  readonly database: string;
  readonly exportedAt: string;
  readonly documentCount: number;
  readonly dataFile: string;
}

interface ExportLine {
  readonly path: string;
  readonly fields: unknown;
  readonly createTime?: string;
  readonly updateTime?: string;
}

export interface ExportResult {
  readonly directory: string;
  readonly metadataFile: string;
  readonly documentCount: number;
}

export async function exportDatabase(
  db: Database,
  exportDirectory: string,
  exportName: string,
  context: EmulatorContext,
): Promise<ExportResult> {
  if (exportDirectory === '') throw invalidArgument('export_directory is required.');
  if (exportName === '' || exportName.includes('/') || exportName.includes('\\') || exportName === '..') {
    throw invalidArgument(`Invalid export_name "${exportName}".`);
  }
  const directory = path.join(exportDirectory, exportName);
  await mkdir(directory, { recursive: true });
  const readTime = context.clock.readTime();
  const file = await open(path.join(directory, DATA_FILE), 'w');
  let documentCount = 0;
  try {
    let buffer = '';
    for (const collection of db.allCollections()) {
      for (const entry of collection.entries) {
        const doc = entry.at(readTime);
        if (doc === undefined) continue;
        const line: ExportLine = {
          path: entry.path,
          fields: fieldsToJson(doc.fields),
          createTime: formatTimestamp(doc.createTime),
          updateTime: formatTimestamp(doc.updateTime),
        };
        buffer += `${JSON.stringify(line)}\n`;
        documentCount++;
        if (buffer.length > 1 << 20) {
          await file.write(buffer);
          buffer = '';
        }
      }
    }
    await file.write(buffer);
  } finally {
    await file.close();
  }
  const metadata: ExportMetadata = {
    format: EXPORT_FORMAT,
    version: 1,
    project: db.name.project,
    database: db.name.database,
    exportedAt: formatTimestamp(readTime),
    documentCount,
    dataFile: DATA_FILE,
  };
  const metadataFile = path.join(directory, `${exportName}.overall_export_metadata`);
  const handle = await open(metadataFile, 'w');
  try {
    await handle.write(`${JSON.stringify(metadata, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  return { directory, metadataFile, documentCount };
}

/** Reads an export's metadata; a foreign or damaged export gets an error that says what it is. */
export async function readExportMetadata(metadataFile: string): Promise<ExportMetadata> {
  let raw: Buffer;
  try {
    raw = await readFile(metadataFile);
  } catch (error) {
    throw invalidArgument(
      `Cannot read the export metadata file ${metadataFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalidArgument(
      `${metadataFile} is not an export written by the Keymeter Firestore emulator. Exports written by ` +
        "Google's Cloud Firestore emulator (or by a managed Firestore export) use a binary LevelDB format " +
        'this emulator cannot read; load them with the official emulator (Java 21+), or re-export the data ' +
        'from this emulator.',
    );
  }
  const metadata = parsed as Partial<ExportMetadata> | null;
  if (metadata === null || typeof metadata !== 'object' || metadata.format !== EXPORT_FORMAT) {
    throw invalidArgument(
      `${metadataFile} is JSON but not a Keymeter Firestore emulator export (format "${String(metadata?.format)}").`,
    );
  }
  if (metadata.version !== 1)
    throw invalidArgument(
      `${metadataFile} has export format version ${String(metadata.version)}; this emulator reads version 1.`,
    );
  return metadata as ExportMetadata;
}

/**
 * Loads an export into `targetDb` (the export's own project when undefined). Documents are written
 * in one commit; existing documents with the same names are overwritten, others are kept.
 * Imports do not fire triggers.
 */
export async function importExport(
  metadataFile: string,
  context: EmulatorContext,
  targetDb: Database | undefined,
): Promise<{ db: Database; documentCount: number }> {
  const metadata = await readExportMetadata(metadataFile);
  const db = targetDb ?? context.databases.forProject(metadata.project, metadata.database);
  const dataFile = path.join(path.dirname(metadataFile), metadata.dataFile);
  const pending: PendingChange[] = [];
  const lines = createInterface({ input: createReadStream(dataFile), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const parsed = JSON.parse(line) as Partial<ExportLine>;
      if (typeof parsed.path !== 'string' || parsed.path.split('/').length % 2 !== 0)
        throw new Error('missing or invalid "path"');
      pending.push({ path: parsed.path, fields: fieldsFromJson(parsed.fields ?? {}) });
    }
  } catch (error) {
    throw invalidArgument(
      `${dataFile} line ${lineNumber}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  db.install(pending, context.clock.commitTime(), 'import', undefined);
  return { db, documentCount: pending.length };
}
