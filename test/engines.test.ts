// Every package the lock installs must accept the oldest Node the product promises
// (package.json "engines", README "Node version"): otherwise `npm ci` warns EBADENGINE on it and
// the package may use what that Node lacks. `.ci/run` also fails on the warning itself.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// npm's own range rules (semver is in node_modules through many packages; no types of its own).
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }>;
};

describe('Node version', () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it(`every locked package accepts Node ${oldest} (no EBADENGINE on npm ci)`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, p]) => {
        const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
        if (!range || semver.satisfies(oldest, range)) return [];
        return [`${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${range}`];
      });
    expect(refusing).toEqual([]);
  });

  it('the Node running the tests is one package.json accepts', () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
