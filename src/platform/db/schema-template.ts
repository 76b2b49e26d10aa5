import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot, pgliteTemplateDir } from './database.ts';

/*
 * A ready-made embedded cluster with the schema already applied (every migration and the job
 * queue's tables), built at install time. A new data directory starts as a copy of it, so the
 * first start skips creating the schema. It is keyed by the migration sources and the versions of
 * the engine and the queue: an added or changed migration means a new key, and until that
 * template is built a new data directory starts from the empty cluster and migrates as before.
 */

function versionOf(pkg: string): string {
  return (
    JSON.parse(fs.readFileSync(path.join(packageRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

function migrationSources(dir: string, ext: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) migrationSources(p, ext, out);
    else if (entry.name === `migrations${ext}` || entry.name.endsWith(`.migrations${ext}`)) out.push(p);
  }
  return out;
}

/** Identifies the schema this code creates: the migration sources (src/, or dist/ without it). */
export function schemaFingerprint(): string {
  const src = path.join(packageRoot, 'src');
  const [root, ext] = fs.existsSync(src) ? [src, '.ts'] : [path.join(packageRoot, 'dist'), '.js'];
  const hash = createHash('sha256');
  hash.update(`pglite ${versionOf('@electric-sql/pglite')}\npg-boss ${versionOf('pg-boss')}\n`);
  for (const file of migrationSources(root, ext).sort()) {
    hash.update(`${path.relative(root, file)}\n`).update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

export function schemaTemplateDir(fingerprint: string): string {
  return path.join(path.dirname(pgliteTemplateDir()), `schema-${fingerprint}`);
}

/** The ready-made cluster (a pgdata directory) for this schema, if it has been built. */
export function readySchemaTemplate(fingerprint = schemaFingerprint()): string | undefined {
  const dir = schemaTemplateDir(fingerprint);
  return fs.existsSync(path.join(dir, 'READY')) ? path.join(dir, 'pgdata') : undefined;
}

/**
 * Builds the template: `prepare` gets an empty data directory to open, bring up to date and close.
 * Templates of other schemas are removed (they belong to earlier versions of the code).
 */
export async function buildSchemaTemplate(
  fingerprint: string,
  prepare: (dataDir: string) => Promise<void>,
): Promise<string> {
  const dir = schemaTemplateDir(fingerprint);
  if (fs.existsSync(path.join(dir, 'READY'))) return dir;
  const work = `${dir}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    await prepare(work);
    fs.rmSync(path.join(work, 'onepoint.lock'), { force: true });
    fs.writeFileSync(path.join(work, 'READY'), `${new Date().toISOString()}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(work, dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const parent = path.dirname(dir);
  for (const name of fs.readdirSync(parent)) {
    if (/^schema-[0-9a-f]{16}$/.test(name) && name !== path.basename(dir))
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  return dir;
}
