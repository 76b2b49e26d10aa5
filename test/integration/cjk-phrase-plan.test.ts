// The platform's CJK phrase search on a table of its own: both plans, and the fallback from the
// walk to the index, return exactly the rows containing the phrase, newest first, on both engines.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { estimateTerm, phrasePage, phraseTerm, type PhrasePlan } from '../../src/platform/text/cjk-plan.ts';
import { searchVector } from '../../src/platform/text/cjk-search.ts';
import { openTestDatabase } from '../harness.ts';

let database: Database<DB>;
let dispose: () => Promise<void>;
const table = { table: 'phrase_plan_test', vector: 'sv', createdAt: 'created_at', id: 'id' };

// Every 2nd row mentions 宽带 (frequent); 光猫 ZXHN rarely; decoys with 带宽 and 宽…带 apart.
const TEXTS = [
  '客户反映宽带无法上网，重启光猫无效',
  '带宽不足，下载速度慢',
  '宽度测试：带上工具',
  '家庭宽带频繁掉线',
  '宽，带',
  'IPTV 卡顿',
];
const texts: string[] = [];
for (let i = 0; i < 600; i++) texts.push(`${TEXTS[i % TEXTS.length]} #${i}`);
texts[77] = '光猫型号 ZXHN F650，指示灯 LOS 红';
texts[401] = '光猫ZXHN重启后恢复';
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000);
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
  const db = database.db;
  await sql`create table phrase_plan_test (id uuid primary key, created_at timestamptz not null,
    body text not null, sv tsvector not null)`.execute(db);
  await sql`create index phrase_plan_test_sv on phrase_plan_test using gin (sv)`.execute(db);
  await sql`create index phrase_plan_test_recent on phrase_plan_test (created_at desc, id desc)`.execute(db);
  await sql`alter table phrase_plan_test alter column sv set statistics 1000`.execute(db);
  const rows = texts.map((body, i) => ({ id: id(i), created_at: at(i), body, sv: searchVector(body) }));
  await sql`insert into phrase_plan_test (id, created_at, body, sv)
    select id, created_at, body, sv::tsvector
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id uuid, created_at timestamptz, body text, sv text)`.execute(db);
  await sql`analyze phrase_plan_test`.execute(db);
});
afterAll(async () => {
  await dispose?.();
});

/** Newest-first indexes of the texts a plan returns, all pages. */
async function all(term: string, plan: PhrasePlan | undefined, limit: number, walkRows?: number) {
  const t = phraseTerm(term);
  if ('problem' in t) throw new Error(t.problem);
  const found: number[] = [];
  const plans = new Set<string>();
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const page = await phrasePage(
      database.db,
      table,
      { tsquery: t.tsquery, limit, after, plan, walkRows },
      t.lexemes,
    );
    plans.add(page.plan);
    found.push(...page.hits.map((h) => Number(h.id.slice(-12))));
    if (page.hits.length < limit) break;
    after = page.hits.at(-1)!;
  }
  return { found, plans };
}

const expected = (pred: (s: string) => boolean) =>
  texts
    .map((s, i) => [s, i] as const)
    .filter(([s]) => pred(s))
    .map(([, i]) => i)
    .reverse();

describe('CJK phrase search plans', () => {
  it.each([['index'], ['recent'], [undefined]] as const)(
    'plan %s: 宽带 exactly, no 带宽 or 宽…带',
    async (plan) => {
      const { found } = await all('宽带', plan, 40);
      expect(found).toEqual(expected((s) => s.includes('宽带')));
      expect(found.length).toBe(200);
    },
  );

  it('a walk that does not fill the page continues in the index below it, exactly', async () => {
    const { found, plans } = await all('光猫 ZXHN', 'recent', 10, 50);
    expect(found).toEqual([401, 77]);
    expect(plans).toContain('recent+index');
    const frequent = await all('带宽', 'recent', 25, 60);
    expect(frequent.found).toEqual(expected((s) => s.includes('带宽')));
  });

  it('mixed Chinese and ASCII: a phrase without a space must be adjacent', async () => {
    expect((await all('光猫ZXHN', undefined, 10)).found).toEqual([401]);
    expect((await all('LOS 光猫', undefined, 10)).found).toEqual([77]);
  });

  it('the statistics tell a frequent term from a rare one', async () => {
    const frequent = await estimateTerm(database.db, table, [{ text: '宽带', prefix: false }]);
    const rare = await estimateTerm(database.db, table, [{ text: '型号', prefix: false }]);
    expect(frequent.known).toBe(true);
    expect(frequent.rows).toBe(600);
    expect(frequent.rarest).toBeGreaterThan(0.2);
    expect(rare.rarest).toBeLessThan(0.05);
    expect(frequent.unlisted).toEqual([]);
    // 猫重 is in no text: unlisted, so a phrase with it is counted before any walk, and found nowhere.
    expect((await estimateTerm(database.db, table, [{ text: '猫重', prefix: false }])).unlisted).toEqual([
      '猫重',
    ]);
    const none = phraseTerm('光猫重启');
    if ('problem' in none) throw new Error(none.problem);
    const page = await phrasePage(database.db, table, { tsquery: none.tsquery, limit: 10 }, none.lexemes);
    expect(page).toMatchObject({ hits: [], plan: 'index' });
    const t = phraseTerm('宽带');
    if ('problem' in t) throw new Error(t.problem);
    expect((await phrasePage(database.db, table, { tsquery: t.tsquery, limit: 10 }, t.lexemes)).plan).toBe(
      'recent',
    );
    const r = phraseTerm('光猫型号');
    if ('problem' in r) throw new Error(r.problem);
    expect((await phrasePage(database.db, table, { tsquery: r.tsquery, limit: 10 }, r.lexemes)).plan).toBe(
      'index',
    );
  });
});
