// The command line as an operator uses it: `node bin/onepoint.js …` in a child process, against a
// database of its own; what it did is then checked in-process, through the API where it matters.
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import { storedEntry } from '../../src/modules/audit/audit.sealer.ts';
import { sealMac } from '../../src/modules/audit/domain/chain.ts';
import { appendAudit, systemActor } from '../../src/modules/audit/index.ts';
import { DEMO_PASSWORD } from '../harness.ts';
import {
  engine,
  ensureFreshDist,
  lastLine,
  newTarget,
  openDb,
  openTarget,
  runCli,
  type CliTarget,
} from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

const STRONG = 'Str0ng-pass-for-cli';
const AUDIT_KEY = Buffer.alloc(32, 'cli-test-audit-key');

// Each command is a Node process opening the database: seconds each on a busy 2-core machine.
describe(`onepoint CLI (${engine})`, { timeout: 180_000 }, () => {
  describe('user add on a seeded database', () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget();
    });
    afterAll(async () => t?.dispose());

    it('creates a staff user in the unit, with the roles, who can then sign in; audited as cli', async () => {
      const r = await runCli(
        [
          'user',
          'add',
          '--login',
          'Wang.Wu',
          '--name',
          '王五',
          '--unit',
          'CT.JS.10000',
          '--role',
          'agent',
          '--role',
          'supervisor',
          '--password-stdin',
          '--email',
          'wang.wu@example.com',
        ],
        t.env,
        { input: `${STRONG}\n` },
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/created user wang\.wu .* in CT\.JS\.10000 .*agent, supervisor/);
      const o = await openTarget(t);
      try {
        const res = await o.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { login: 'wang.wu', password: STRONG },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().user.roles).toEqual(['agent', 'supervisor']);
        const entry = await o.database.db
          .selectFrom('audit_log')
          .select(['actor_login', 'actor_kind', 'details'])
          .where('action', '=', 'user.create')
          .executeTakeFirstOrThrow();
        expect(entry).toMatchObject({ actor_login: 'cli', actor_kind: 'system' });
        expect(entry.details).toMatchObject({ login: 'wang.wu', roles: ['agent', 'supervisor'] });
      } finally {
        await o.close();
      }
    });

    it('refuses a bad role, a missing unit, a taken login and a weak password — and creates nobody', async () => {
      const base = ['user', 'add', '--name', '测试', '--unit', 'CT.JS.10000'];
      const cases: Array<[string[], RegExp]> = [
        [[...base, '--login', 'r1', '--role', 'wizard'], /unknown role wizard; roles are: .*agent/],
        [
          ['user', 'add', '--name', '测试', '--login', 'r2', '--unit', 'CT.NOWHERE', '--role', 'agent'],
          /no org unit with code or id "CT\.NOWHERE"/,
        ],
        [[...base, '--login', 'agent', '--role', 'agent'], /login "agent" is already taken/],
        [[...base, '--login', 'r 3', '--role', 'agent'], /--login must start with a letter or digit/],
        [[...base, '--login', 'r5', '--role', 'agent', '--email', 'nope'], /--email is not a valid e-mail/],
        [
          [...base, '--login', 'r4', '--role', 'agent', '--password', 'short1'],
          /password is too weak: it must be at least 10 characters/,
        ],
        [
          [...base, '--login', 'r6', '--role', 'agent', '--password', 'Password123!'],
          /password is too weak: it is too easy to guess/,
        ],
        [
          [...base, '--login', 'r7.ma', '--role', 'agent', '--password', 'Hello-R7.MA-2026'],
          /password is too weak: it must not contain the login/,
        ],
      ];
      for (const [args, message] of cases) {
        const r = await runCli(args, t.env);
        expect({ args: args.join(' '), code: r.code }).toEqual({ args: args.join(' '), code: 1 });
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /); // a message for people, not a stack trace
      }
      const db = await openDb(t);
      try {
        const made = await db.db
          .selectFrom('users')
          .select('login')
          .where('login', 'in', ['r1', 'r2', 'r 3', 'r4', 'r5', 'r6', 'r7.ma'])
          .execute();
        expect(made).toEqual([]);
      } finally {
        await db.close();
      }
    });
    it('user unlock lifts a lock from failed sign-ins (audited as cli); the user signs in again', async () => {
      const o = await openTarget(t);
      try {
        for (let i = 0; i < 5; i++)
          await o.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { login: 'staff004', password: 'Not-the-pass-42' },
          });
        const locked = await o.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { login: 'staff004', password: DEMO_PASSWORD },
        });
        expect(locked.statusCode).toBe(423);
      } finally {
        await o.close();
      }
      const r = await runCli(['user', 'unlock', 'staff004'], t.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^unlocked staff004: it was locked until \S+ after 5 failed sign-ins$/m);
      const again = await runCli(['user', 'unlock', 'staff004'], t.env);
      expect(again.stdout).toMatch(/staff004 was not locked/);
      const o2 = await openTarget(t);
      try {
        const res = await o2.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { login: 'staff004', password: DEMO_PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        const entry = await o2.database.db
          .selectFrom('audit_log')
          .select(['actor_login', 'details'])
          .where('action', '=', 'user.unlock')
          .executeTakeFirstOrThrow();
        expect(entry).toMatchObject({ actor_login: 'cli', details: { failures: 5, via: 'cli' } });
      } finally {
        await o2.close();
      }
    });
  });

  describe('on an empty database', () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget({ seeded: false });
    });
    afterAll(async () => t?.dispose());

    it('the first user must be an admin; the national root unit is created with them', async () => {
      const notAdmin = await runCli(
        ['user', 'add', '--login', 'first', '--name', '甲', '--role', 'agent'],
        t.env,
      );
      expect(notAdmin.code).toBe(1);
      expect(notAdmin.stderr).toMatch(/first user must be an admin/);

      const admin = await runCli(
        [
          'user',
          'add',
          '--login',
          'chief',
          '--name',
          '总管',
          '--role',
          'admin',
          '--unit-name',
          '某运营商总部',
          '--password-stdin',
        ],
        t.env,
        { input: STRONG },
      );
      expect(admin.code).toBe(0);
      expect(admin.stderr).toMatch(/created the national root unit ROOT \(某运营商总部\)/);

      const second = await runCli(
        ['user', 'add', '--login', 'second', '--name', '乙', '--role', 'admin'],
        t.env,
      );
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/--unit is required/);

      const o = await openTarget(t);
      try {
        const res = await o.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { login: 'chief', password: STRONG },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().user.permissions).toContain('user.manage');
        const units = await o.database.db.selectFrom('org_units').select(['code', 'name', 'level']).execute();
        expect(units).toEqual([{ code: 'ROOT', name: '某运营商总部', level: 'national' }]);
      } finally {
        await o.close();
      }
    });
  });

  // A database of its own: the one above holds an operator's user, where the demo is refused
  // (test/integration/cli-keys.test.ts).
  describe('seed on an empty database', () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget({ seeded: false });
    });
    afterAll(async () => t?.dispose());

    it('seed --demo loads the demo data once; a second run changes nothing', async () => {
      const first = await runCli(['seed', '--demo'], t.env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/demo data loaded/);
      const again = await runCli(['seed', '--demo'], t.env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/already present; nothing changed/);
      const db = await openDb(t);
      try {
        const logins = await db.db.selectFrom('users').select('login').execute();
        expect(logins.map((u) => u.login)).toEqual(expect.arrayContaining(['admin', 'agent', 'zj.agent']));
        const seeds = await db.db
          .selectFrom('audit_log')
          .select('seq')
          .where('action', '=', 'demo.seed')
          .execute();
        expect(seeds).toHaveLength(1);
      } finally {
        await db.close();
      }
    });
  });

  describe('API tokens', () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget();
    });
    afterAll(async () => t?.dispose());

    it('token create prints a token (last line) that authenticates; token revoke stops it', async () => {
      const created = await runCli(
        ['token', 'create', 'dispatcher', '--name', 'OSS feed', '--expires-in-days', '30'],
        t.env,
      );
      expect(created.code).toBe(0);
      const token = lastLine(created.stdout);
      expect(token).toMatch(/^opt_[A-Za-z0-9_-]{40,}$/);
      const id = /^id\s+(\S+)$/m.exec(created.stdout)?.[1];
      expect(id).toBeDefined();

      const me = async () => {
        const o = await openTarget(t);
        try {
          return await o.app.inject({
            method: 'GET',
            url: '/api/v1/auth/me',
            headers: { authorization: `Bearer ${token}` },
          });
        } finally {
          await o.close();
        }
      };
      const before = await me();
      expect(before.statusCode).toBe(200);
      expect(before.json()).toMatchObject({ login: 'dispatcher' });

      const listed = await runCli(['token', 'list', 'dispatcher', '--json'], t.env);
      expect(listed.code).toBe(0);
      const rows = JSON.parse(listed.stdout) as Array<{ id: string; name: string; status: string }>;
      expect(rows).toEqual([expect.objectContaining({ id, name: 'OSS feed', status: 'active' })]);
      expect(listed.stdout).not.toContain(token);

      const revoked = await runCli(['token', 'revoke', id!], t.env);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toMatch(/revoked token/);
      expect((await me()).statusCode).toBe(401);

      // Without --expires-in-days a token lives 365 days; 0 is "never", and both are said plainly.
      const byDefault = await runCli(['token', 'create', 'dispatcher', '--name', 'yearly'], t.env);
      expect(byDefault.code).toBe(0);
      expect(byDefault.stdout).toMatch(/^expires {2}\S+ \(in 365 days\)$/m);
      expect(byDefault.stderr).toMatch(/This token expires on \S+ \(in 365 days\)/);
      const never = await runCli(['token', 'create', 'dispatcher', '--expires-in-days', '0'], t.env);
      expect(never.code).toBe(0);
      expect(never.stdout).toMatch(/^expires {2}never \(revoke it when no longer needed\)$/m);
      expect(never.stderr).toMatch(/never expires/);
      const tooLong = await runCli(['token', 'create', 'dispatcher', '--expires-in-days', '-1'], t.env);
      expect(tooLong.code).not.toBe(0);

      const unknownUser = await runCli(['token', 'create', 'nobody'], t.env);
      expect(unknownUser.code).toBe(1);
      expect(unknownUser.stderr).toMatch(/no user with login "nobody"/);
    });
  });

  describe('audit verify', () => {
    let t: CliTarget;
    let env: Record<string, string>;
    let entries = 0;
    beforeAll(async () => {
      // A database whose every seal is made with our key: the first admin, added by the command
      // line (which seals what it wrote as it exits), then five entries appended and not sealed.
      t = await newTarget({ seeded: false });
      env = { ...t.env, ONEPOINT_AUDIT_KEYS: `k1:${AUDIT_KEY.toString('base64')}` };
      const admin = await runCli(
        ['user', 'add', '--login', 'chief', '--name', '总管', '--role', 'admin'],
        env,
      );
      expect(admin.code).toBe(0);
      const db = await openDb(t);
      try {
        for (let i = 1; i <= 5; i++) {
          await db.db.transaction().execute((trx) =>
            appendAudit(trx, systemActor('test'), {
              action: 'test.event',
              entityType: 'test',
              details: { i },
            }),
          );
        }
        const { n } = await db.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        entries = Number(n);
      } finally {
        await db.close();
      }
    });
    afterAll(async () => t?.dispose());

    /** Changes the stored log with the append-only triggers off, as someone with database access could. */
    async function tamper(change: (trx: Transaction<DB>) => Promise<unknown>) {
      const db = await openDb(t);
      try {
        await db.db.transaction().execute(async (trx) => {
          await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
          await sql`alter table audit_seal disable trigger audit_seal_no_update`.execute(trx);
          await change(trx);
          await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
          await sql`alter table audit_seal enable trigger audit_seal_no_update`.execute(trx);
        });
      } finally {
        await db.close();
      }
    }

    it('seals what waits, then passes on an intact chain', async () => {
      expect(entries).toBeGreaterThanOrEqual(7);
      // A grace of 10 minutes here: on a loaded machine the five entries may wait longer than the
      // default 10 s before `verify` seals them (the last test checks a stuck entry with the default).
      const r = await runCli(['audit', 'verify'], { ...env, ONEPOINT_AUDIT_SEAL_GRACE_SECONDS: '600' });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`audit chain OK: ${entries} entries`);
      expect(r.stderr).toMatch(/sealed 5 waiting entries first/);
      expect(r.stderr).toMatch(new RegExp(`checked ${entries}/${entries}`));
      // With another key, nothing verifies: the seals depend on the key.
      const other = await runCli(['audit', 'verify', '--no-seal'], t.env);
      expect(other.code).toBe(1);
      expect(other.stdout).toMatch(/BROKEN at entry seq \d+ \(.*\): it was sealed with key "k1"/);
    });

    it('audit head prints an anchor; with it, verify catches entries removed from the end', async () => {
      const head = await runCli(['audit', 'head'], env);
      expect(head.code).toBe(0);
      const anchor = head.stdout.trim();
      expect(anchor).toMatch(new RegExp(`^${entries}:[0-9a-f]{64}$`));
      const ok = await runCli(['audit', 'verify', '--anchor', anchor], env);
      expect(ok.code).toBe(0);
      expect(ok.stdout.trim()).toBe(`audit chain OK: ${entries} entries; 1 anchor(s) match`);

      // The newest entry and its seal removed together: the chain alone cannot tell…
      await tamper(async (trx) => {
        await sql`delete from audit_seal where chain_seq = ${String(entries)}::bigint`.execute(trx);
        await sql`delete from audit_log where seq = (select max(seq) from audit_log)`.execute(trx);
      });
      expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
      // …the anchor kept outside the database can.
      const cut = await runCli(['audit', 'verify', '--anchor', anchor], env);
      expect(cut.code).toBe(1);
      expect(cut.stdout).toMatch(new RegExp(`BROKEN at chain position ${entries}: .*removed from the end`));

      const bad = await runCli(['audit', 'verify', '--anchor', '12:not-a-hash'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--anchor "12:not-a-hash" is not position:mac/);
    });

    it('an entry rewritten with recomputed hashes and seals, but without the key, is named', async () => {
      await tamper(async (trx) => {
        // The attacker rewrites entry 5, then recomputes every seal from it on with a key of
        // their own (here the public development key): the chain links, but not under our key.
        await sql`update audit_log set details = '{"i": 42}'::jsonb where seq = 5`.execute(trx);
        const seals = await sql<{ chain_seq: string; audit_seq: string; sealed_at: Date; key_id: string }>`
          select chain_seq, audit_seq, sealed_at, key_id from audit_seal
          where chain_seq >= (select chain_seq from audit_seal where audit_seq = 5) order by chain_seq`.execute(
          trx,
        );
        const first = seals.rows[0]!.chain_seq;
        let prev = (
          await sql<{
            mac: string;
          }>`select mac from audit_seal where chain_seq = ${first}::bigint - 1`.execute(trx)
        ).rows[0]!.mac;
        for (const s of seals.rows) {
          const entry = storedEntry(
            await trx
              .selectFrom('audit_log')
              .selectAll()
              .where('seq', '=', s.audit_seq)
              .executeTakeFirstOrThrow(),
          );
          const seal = {
            chainSeq: s.chain_seq,
            auditSeq: s.audit_seq,
            sealedAt: s.sealed_at,
            keyId: s.key_id,
          };
          prev = sealMac(Buffer.alloc(32, 'onepoint-development-audit-key'), seal, entry, prev);
          await sql`update audit_seal set mac = ${prev} where chain_seq = ${s.chain_seq}`.execute(trx);
        }
      });
      const r = await runCli(['audit', 'verify'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /BROKEN at entry seq 5 \(.+, \d{4}-\d\d-\d\dT[\d:]+Z; chain position 5\): the entry or its seal was rewritten without the audit key/,
      );
      expect(r.stdout).toMatch(/4 entries before it are intact/);
    });

    it('names an entry deleted in the middle', async () => {
      await tamper((trx) => sql`delete from audit_log where seq = 4`.execute(trx));
      const r = await runCli(['audit', 'verify'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /BROKEN at entry seq 4 \(chain position 4\): the entry was deleted after it was sealed/,
      );
    });

    it('names exactly the entry whose stored content was altered (the first break is reported)', async () => {
      const { action } = await (async () => {
        const db = await openDb(t);
        try {
          return await db.db
            .selectFrom('audit_log')
            .select('action')
            .where('seq', '=', '2')
            .executeTakeFirstOrThrow();
        } finally {
          await db.close();
        }
      })();
      await tamper((trx) =>
        sql`update audit_log set details = '{"i": 99}'::jsonb where seq = 2`.execute(trx),
      );
      const r = await runCli(['audit', 'verify'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        new RegExp(
          `BROKEN at entry seq 2 \\(${action.replace('.', '\\.')}, .*\\): its content was changed after it was sealed`,
        ),
      );
      expect(r.stdout).toMatch(/1 entries before it are intact/);
    });

    it('reports a committed entry left unsealed past the grace period', async () => {
      const db = await openDb(t);
      try {
        await db.db
          .transaction()
          .execute((trx) =>
            appendAudit(
              trx,
              systemActor('test'),
              { action: 'test.stuck', entityType: 'test' },
              new Date(Date.now() - 3_600_000),
            ),
          );
      } finally {
        await db.close();
      }
      const r = await runCli(['audit', 'verify'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /audit chain FAULT: 1 entries were left unsealed for longer than 10 s, the oldest seq \d+ \(test\.stuck, /,
      );
    });
  });

  it('an invalid setting stops start-up with a message naming the variable (exit 2)', async () => {
    const port = await runCli(['serve'], { PORT: 'abc', ONEPOINT_DATA_DIR: '/nonexistent/never-created' });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/Invalid configuration: PORT/);
    const level = await runCli(['migrate'], { LOG_LEVEL: 'loud' });
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(/Invalid configuration: LOG_LEVEL/);
  });
});
