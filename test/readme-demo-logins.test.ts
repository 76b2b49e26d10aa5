// The README's list of demo logins is the one `seed --demo` and `serve --demo` print (DEMO_LOGINS).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_LOGINS } from '../src/seed/demo.ts';

it('the README names every demo login, and only those', () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
  const start = readme.indexOf('the demo logins (');
  const end = readme.indexOf('; password', start);
  expect(start).toBeGreaterThan(-1);
  const listed = [...readme.slice(start, end).matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  expect(listed.sort()).toEqual(DEMO_LOGINS.map((d) => d.login).sort());
});
