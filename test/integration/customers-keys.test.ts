import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKeyCommands } from '../../src/cli.ts';
import { modules } from '../../src/modules.ts';
import { registerCustomerCommands } from '../../src/modules/customers/customers.cli.ts';
import {
  PiiVault,
  revealField,
  rotatePiiKeys,
  searchCustomers,
  vaultFor,
} from '../../src/modules/customers/index.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { Platform } from '../../src/server.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { DEV_KEY_BASE64 } from '../customers/helpers.ts';

// The demo seed encrypted with the development key; this server lists a new key first and keeps the
// old one for decryption, as an operator does before running the rotation command.
const NEW_KEY = randomBytes(32).toString('base64');
let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ env: { ONEPOINT_PII_KEYS: `k2026:${NEW_KEY},dev:${DEV_KEY_BASE64}` } });
});
afterAll(async () => {
  await s?.close();
});

const keyCounts = async () =>
  Object.fromEntries(
    (
      await s.ctx.db
        .selectFrom('customers')
        .select(['pii_key_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('pii_key_id', 'is not', null)
        .groupBy('pii_key_id')
        .execute()
    ).map((r) => [r.pii_key_id, Number(r.n)]),
  );

describe(`ID number encryption and key rotation (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('reads and finds old rows before rotation, rotates with progress, and still finds and reads them', async () => {
    const vault = vaultFor(s.ctx.config);
    expect(vault.currentKeyId).toBe('k2026');
    const old = new PiiVault([{ id: 'dev', secret: Buffer.from(DEV_KEY_BASE64, 'base64') }]);
    const row = await s.ctx.db
      .selectFrom('customers')
      .select(['id', 'id_number_enc', 'id_number_hash'])
      .where('pii_key_id', '=', 'dev')
      .orderBy('customer_no')
      .executeTakeFirstOrThrow();
    const idNumber = old.decrypt(row.id_number_enc!, `customers.id_number:${row.id}`);
    const before = await keyCounts();
    expect(before.dev).toBeGreaterThan(100);

    const principal = { userId: 'x', login: 'admin', scopePath: '/', permissions: new Set(), roles: [] };
    const caller = {
      principal: principal as never,
      actor: { actorId: null, actorLogin: 'test', actorKind: 'system' as const, ip: null, requestId: null },
      scope: { path: '/', all: true },
      now: new Date(),
    };
    const deps = { db: s.ctx.db, vault, clock: systemClock };
    const found = async () => (await searchCustomers(deps, caller, idNumber, 5)).map((c) => c.id);
    expect(await found()).toEqual([row.id]);

    // New rows use the new key straight away.
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: await s.as('agent'),
      payload: {
        kind: 'individual',
        name: '韩梅',
        orgUnitId: (
          await s.ctx.db
            .selectFrom('org_units')
            .select('id')
            .where('code', '=', 'CT.JS.NJ')
            .executeTakeFirstOrThrow()
        ).id,
        idNumber: '11010519491231002X',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((await keyCounts()).k2026).toBe(1);

    const progress: Array<[number, number]> = [];
    const result = await rotatePiiKeys(s.ctx.db, vault, (done, total) => progress.push([done, total]), 50);
    expect(result).toEqual({ rotated: before.dev, total: before.dev, keyId: 'k2026' });
    expect(progress.at(-1)).toEqual([before.dev, before.dev]);
    expect(progress.length).toBeGreaterThan(3);
    expect(await keyCounts()).toEqual({ k2026: before.dev + 1 });

    const after = await s.ctx.db
      .selectFrom('customers')
      .select(['id_number_enc', 'id_number_hash'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after.id_number_enc).not.toBe(row.id_number_enc);
    expect(after.id_number_hash).not.toBe(row.id_number_hash);
    expect(await found()).toEqual([row.id]);

    // With only the new key configured, every row still decrypts and is found.
    const onlyNew = {
      ...deps,
      vault: new PiiVault([{ id: 'k2026', secret: Buffer.from(NEW_KEY, 'base64') }]),
    };
    expect(
      (await revealField(onlyNew, caller, row.id, { field: 'idNumber', reason: 'rotation check' })).value,
    ).toBe(idNumber);
    expect((await searchCustomers(onlyNew, caller, idNumber, 5)).map((c) => c.id)).toEqual([row.id]);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'customer.pii_keys_rotated')
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ keyId: 'k2026', rows: before.dev });
  });

  it('is a command, safe to run again: onepoint rotate-keys, and by its old name customers rotate-keys', async () => {
    for (const args of [['rotate-keys'], ['customers', 'rotate-keys', '--batch', '10']]) {
      const out: string[] = [];
      const deps = {
        open: async () => ({ context: s.ctx, close: async () => {} }) as unknown as Platform,
        out: (t: string) => out.push(t),
        err: () => {},
      };
      const program = new Command().exitOverride();
      registerCustomerCommands(program, deps);
      registerKeyCommands(program, modules, deps);
      await program.parseAsync(['node', 'onepoint', ...args]);
      expect(out.join('')).toContain('ID numbers and contact media: 0 re-encrypted under key "k2026"\n');
      expect(out.join('')).toContain('everything is under key "k2026"');
    }
  });

  it('names a missing key instead of failing silently', async () => {
    const row = await s.ctx.db
      .selectFrom('customers')
      .select(['id'])
      .where('pii_key_id', '=', 'k2026')
      .executeTakeFirstOrThrow();
    const wrong = new PiiVault([{ id: 'other', secret: randomBytes(32) }]);
    const principal = { userId: 'x', login: 'admin', scopePath: '/', permissions: new Set(), roles: [] };
    const caller = {
      principal: principal as never,
      actor: { actorId: null, actorLogin: 'test', actorKind: 'system' as const, ip: null, requestId: null },
      scope: { path: '/', all: true },
      now: new Date(),
    };
    await expect(
      revealField({ db: s.ctx.db, vault: wrong, clock: systemClock }, caller, row.id, {
        field: 'idNumber',
        reason: 'check',
      }),
    ).rejects.toThrow(/key "k2026" is not configured/);
  });
});
