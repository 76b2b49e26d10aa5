// The demo operator's org tree, staff (one login per role) and skill groups: identity's part of
// `seed --demo` / `serve --demo`.
import { v5 as uuidv5 } from 'uuid';
import { appendAudit, systemActor } from '../audit/index.ts';
import { ConfigError } from '../../config.ts';
import { passwordPolicyProblem } from './domain/password-policy.ts';
import { hashPassword } from './domain/secrets.ts';
import type { Executor, ModuleContext } from './identity.tables.ts';

// Stable ids from codes make the seed idempotent and the demo the same on every machine.
const NAMESPACE = '6b1f3c5e-4d1a-4f7e-9a63-0e7c2b1d9f10';
export const demoId = (kind: string, code: string) => uuidv5(`${kind}:${code}`, NAMESPACE);

type Level = 'national' | 'province' | 'city' | 'district';
interface DemoUnit {
  code: string;
  name: string;
  nameEn: string;
  level: Level;
  parent?: string;
  functionType?: string;
}

/** A demo operator: the group, two provinces (for cross-province scope) and their cities and centres. */
export const DEMO_UNITS: DemoUnit[] = [
  { code: 'CT', name: '中国电信集团', nameEn: 'China Telecom Group', level: 'national' },
  { code: 'CT.JS', name: '江苏省分公司', nameEn: 'Jiangsu Branch', level: 'province', parent: 'CT' },
  {
    code: 'CT.JS.10000',
    name: '江苏10000号客服中心',
    nameEn: 'Jiangsu 10000 Hotline Centre',
    level: 'province',
    parent: 'CT.JS',
    functionType: 'hotline_centre',
  },
  {
    code: 'CT.JS.NOC',
    name: '江苏政企监控中心',
    nameEn: 'Jiangsu Enterprise Monitoring Centre',
    level: 'province',
    parent: 'CT.JS',
    functionType: 'monitoring_centre',
  },
  {
    code: 'CT.JS.BILL',
    name: '江苏计费结算中心',
    nameEn: 'Jiangsu Billing Centre',
    level: 'province',
    parent: 'CT.JS',
    functionType: 'billing_centre',
  },
  {
    code: 'CT.JS.QA',
    name: '江苏服务质检组',
    nameEn: 'Jiangsu Quality Team',
    level: 'province',
    parent: 'CT.JS',
    functionType: 'quality_team',
  },
  { code: 'CT.JS.NJ', name: '南京分公司', nameEn: 'Nanjing Branch', level: 'city', parent: 'CT.JS' },
  {
    code: 'CT.JS.NJ.DISPATCH',
    name: '南京装维调度中心',
    nameEn: 'Nanjing Dispatch Centre',
    level: 'city',
    parent: 'CT.JS.NJ',
    functionType: 'dispatch_centre',
  },
  {
    code: 'CT.JS.NJ.FIELD1',
    name: '南京玄武装维班',
    nameEn: 'Nanjing Xuanwu Field Team',
    level: 'city',
    parent: 'CT.JS.NJ',
    functionType: 'field_service',
  },
  {
    code: 'CT.JS.NJ.FIELD2',
    name: '南京江宁装维班',
    nameEn: 'Nanjing Jiangning Field Team',
    level: 'city',
    parent: 'CT.JS.NJ',
    functionType: 'field_service',
  },
  {
    code: 'CT.JS.NJ.AM',
    name: '南京政企客户经理部',
    nameEn: 'Nanjing Account Management',
    level: 'city',
    parent: 'CT.JS.NJ',
    functionType: 'account_management',
  },
  {
    code: 'CT.JS.NJ.JN',
    name: '江宁区营业部',
    nameEn: 'Jiangning District',
    level: 'district',
    parent: 'CT.JS.NJ',
  },
  { code: 'CT.JS.SZ', name: '苏州分公司', nameEn: 'Suzhou Branch', level: 'city', parent: 'CT.JS' },
  {
    code: 'CT.JS.SZ.FIELD1',
    name: '苏州姑苏装维班',
    nameEn: 'Suzhou Gusu Field Team',
    level: 'city',
    parent: 'CT.JS.SZ',
    functionType: 'field_service',
  },
  { code: 'CT.JS.WX', name: '无锡分公司', nameEn: 'Wuxi Branch', level: 'city', parent: 'CT.JS' },
  { code: 'CT.ZJ', name: '浙江省分公司', nameEn: 'Zhejiang Branch', level: 'province', parent: 'CT' },
  {
    code: 'CT.ZJ.10000',
    name: '浙江10000号客服中心',
    nameEn: 'Zhejiang 10000 Hotline Centre',
    level: 'province',
    parent: 'CT.ZJ',
    functionType: 'hotline_centre',
  },
  {
    code: 'CT.ZJ.NOC',
    name: '浙江政企监控中心',
    nameEn: 'Zhejiang Enterprise Monitoring Centre',
    level: 'province',
    parent: 'CT.ZJ',
    functionType: 'monitoring_centre',
  },
  { code: 'CT.ZJ.HZ', name: '杭州分公司', nameEn: 'Hangzhou Branch', level: 'city', parent: 'CT.ZJ' },
  {
    code: 'CT.ZJ.HZ.FIELD1',
    name: '杭州西湖装维班',
    nameEn: 'Hangzhou Xihu Field Team',
    level: 'city',
    parent: 'CT.ZJ.HZ',
    functionType: 'field_service',
  },
];

/** The documented demo logins, one per role. */
export const DEMO_LOGINS: Array<{ login: string; role: string; unit: string }> = [
  { login: 'admin', role: 'admin', unit: 'CT' },
  { login: 'agent', role: 'agent', unit: 'CT.JS.10000' },
  { login: 'supervisor', role: 'supervisor', unit: 'CT.JS.10000' },
  { login: 'monitor', role: 'monitor', unit: 'CT.JS.NOC' },
  { login: 'dispatcher', role: 'dispatcher', unit: 'CT.JS.NJ.DISPATCH' },
  { login: 'technician', role: 'technician', unit: 'CT.JS.NJ.FIELD1' },
  { login: 'accountmgr', role: 'account_manager', unit: 'CT.JS.NJ.AM' },
  { login: 'inspector', role: 'quality_inspector', unit: 'CT.JS.QA' },
  { login: 'billing', role: 'billing_specialist', unit: 'CT.JS.BILL' },
  { login: 'customer', role: 'customer', unit: 'CT.JS.NJ' },
  // The three administrators of 三员分立 (system, security, audit), at the national root.
  { login: 'sysadmin', role: 'system_admin', unit: 'CT' },
  { login: 'secadmin', role: 'security_admin', unit: 'CT' },
  { login: 'auditor', role: 'audit_admin', unit: 'CT' },
  // A second province's staff, for cross-province scope checks.
  { login: 'zj.agent', role: 'agent', unit: 'CT.ZJ.10000' },
  { login: 'zj.supervisor', role: 'supervisor', unit: 'CT.ZJ.10000' },
];

// Generated Chinese names: common surnames and given-name characters, never real people.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉健俊帆宇浩然欣怡晨阳子涵梓萱一诺思远雨彤嘉怡文博志强建国海燕春梅晓东立新';

/** Deterministic pseudo-random names (mulberry32), so the demo is the same on every run. */
export function chineseNames(count: number, seed = 20261125): string[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (s: string) => [...s][Math.floor(rand() * [...s].length)]!;
  return Array.from(
    { length: count },
    () => pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : ''),
  );
}

async function upsertUnits(db: Executor): Promise<void> {
  const paths = new Map<string, string>();
  for (const u of DEMO_UNITS) {
    const id = demoId('org', u.code);
    const parentPath = u.parent ? paths.get(u.parent)! : '/';
    const path = `${parentPath}${id}/`;
    paths.set(u.code, path);
    await db
      .insertInto('org_units')
      .values({
        id,
        parent_id: u.parent ? demoId('org', u.parent) : null,
        code: u.code,
        name: u.name,
        name_en: u.nameEn,
        level: u.level,
        kind: u.functionType ? 'functional' : 'administrative',
        function_type: u.functionType ?? null,
        path,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
}

/** The demo users' password follows the policy like any other (it must contain no demo login). */
export function assertDemoPassword(password: string): void {
  for (const login of ['staff001', ...DEMO_LOGINS.map((d) => d.login)]) {
    const problem = passwordPolicyProblem(password, { login });
    if (problem)
      throw new ConfigError(
        'ONEPOINT_DEMO_PASSWORD',
        `${problem.message}${problem.rule === 'login' ? ` (${login})` : ''}: the demo users' password follows the password policy`,
      );
  }
}

/** Loads the demo organisation and users if they are not there yet (true if it did). Safe to run again. */
export async function seedDemoOrganisation(
  ctx: ModuleContext,
  onProgress: (msg: string) => void = () => {},
): Promise<boolean> {
  const db = ctx.db;
  const existing = await db.selectFrom('users').select('id').where('login', '=', 'admin').executeTakeFirst();
  if (existing) {
    onProgress('demo organisation already present');
    return false;
  }
  assertDemoPassword(ctx.config.demoPassword);
  onProgress('loading demo data: org tree and users for every role…');
  const passwordHash = await hashPassword(ctx.config.demoPassword);
  const names = chineseNames(DEMO_LOGINS.length + 40);
  await db.transaction().execute(async (trx) => {
    await upsertUnits(trx);
    const staff = [
      ...DEMO_LOGINS,
      // More staff so lists and skill groups look like a real centre.
      ...Array.from({ length: 40 }, (_, i) => {
        const units = ['CT.JS.10000', 'CT.JS.NJ.FIELD1', 'CT.JS.NJ.FIELD2', 'CT.JS.SZ.FIELD1', 'CT.ZJ.10000'];
        const roles = ['agent', 'technician', 'technician', 'technician', 'agent'];
        const k = i % units.length;
        return { login: `staff${String(i + 1).padStart(3, '0')}`, role: roles[k]!, unit: units[k]! };
      }),
    ];
    for (const [i, s] of staff.entries()) {
      const id = demoId('user', s.login);
      await trx
        .insertInto('users')
        .values({
          id,
          login: s.login,
          display_name: names[i]!,
          org_unit_id: demoId('org', s.unit),
          password_hash: passwordHash,
          employee_no: `E${String(10001 + i)}`,
          support_line: s.role === 'agent' ? 1 : null,
        })
        .onConflict((oc) => oc.column('login').doNothing())
        .execute();
      await trx
        .insertInto('user_roles')
        .values({ user_id: id, role_code: s.role })
        .onConflict((oc) => oc.columns(['user_id', 'role_code']).doNothing())
        .execute();
    }
    const groups = [
      {
        code: 'JS.BROADBAND',
        name: '宽带故障组',
        nameEn: 'Broadband faults',
        unit: 'CT.JS.10000',
        skills: ['fault', 'broadband'],
      },
      {
        code: 'JS.BILLING',
        name: '计费咨询组',
        nameEn: 'Billing enquiries',
        unit: 'CT.JS.10000',
        skills: ['billing'],
      },
      {
        code: 'JS.VIP',
        name: '政企VIP组',
        nameEn: 'Enterprise VIP',
        unit: 'CT.JS.10000',
        skills: ['enterprise', 'fault'],
      },
      {
        code: 'ZJ.GENERAL',
        name: '综合咨询组',
        nameEn: 'General enquiries',
        unit: 'CT.ZJ.10000',
        skills: ['consultation'],
      },
      // The groups the seeded routing rules name (src/modules/routing/README.md): a rule names a
      // group by the last part of its code (…NOC_FAULT, …LOCAL_FAULT, …COMPLAINT, …BILLING).
      {
        code: 'JS.NOC_FAULT',
        name: '政企故障受理组',
        nameEn: 'Enterprise fault desk',
        unit: 'CT.JS.NOC',
        skills: ['fault', 'enterprise'],
      },
      {
        code: 'ZJ.NOC_FAULT',
        name: '政企故障受理组',
        nameEn: 'Enterprise fault desk',
        unit: 'CT.ZJ.NOC',
        skills: ['fault', 'enterprise'],
      },
      {
        code: 'JS.NJ.LOCAL_FAULT',
        name: '南京本地故障组',
        nameEn: 'Nanjing local faults',
        unit: 'CT.JS.NJ.DISPATCH',
        skills: ['fault', 'broadband', 'iptv', 'voice'],
      },
      {
        code: 'JS.COMPLAINT',
        name: '投诉处理组',
        nameEn: 'Complaint handling',
        unit: 'CT.JS.10000',
        skills: ['complaint'],
      },
      {
        code: 'ZJ.COMPLAINT',
        name: '投诉处理组',
        nameEn: 'Complaint handling',
        unit: 'CT.ZJ.10000',
        skills: ['complaint'],
      },
      {
        code: 'JS.BILL.BILLING',
        name: '计费争议处理组',
        nameEn: 'Billing disputes',
        unit: 'CT.JS.BILL',
        skills: ['billing'],
      },
    ];
    for (const g of groups) {
      const id = demoId('skill', g.code);
      await trx
        .insertInto('skill_groups')
        .values({
          id,
          code: g.code,
          name: g.name,
          name_en: g.nameEn,
          org_unit_id: demoId('org', g.unit),
          skills: JSON.stringify(g.skills),
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
    await trx
      .insertInto('skill_group_members')
      .values([
        { skill_group_id: demoId('skill', 'JS.BROADBAND'), user_id: demoId('user', 'agent'), proficiency: 4 },
        { skill_group_id: demoId('skill', 'JS.VIP'), user_id: demoId('user', 'agent'), proficiency: 3 },
        {
          skill_group_id: demoId('skill', 'ZJ.GENERAL'),
          user_id: demoId('user', 'zj.agent'),
          proficiency: 3,
        },
        {
          skill_group_id: demoId('skill', 'JS.NOC_FAULT'),
          user_id: demoId('user', 'monitor'),
          proficiency: 4,
        },
        {
          skill_group_id: demoId('skill', 'JS.NJ.LOCAL_FAULT'),
          user_id: demoId('user', 'dispatcher'),
          proficiency: 3,
        },
        {
          skill_group_id: demoId('skill', 'JS.COMPLAINT'),
          user_id: demoId('user', 'supervisor'),
          proficiency: 4,
        },
        {
          skill_group_id: demoId('skill', 'ZJ.COMPLAINT'),
          user_id: demoId('user', 'zj.supervisor'),
          proficiency: 4,
        },
        {
          skill_group_id: demoId('skill', 'JS.BILL.BILLING'),
          user_id: demoId('user', 'billing'),
          proficiency: 3,
        },
      ])
      .onConflict((oc) => oc.columns(['skill_group_id', 'user_id']).doNothing())
      .execute();
    await appendAudit(trx, systemActor('seed'), {
      action: 'demo.seed',
      entityType: 'system',
      details: { units: DEMO_UNITS.length, users: staff.length, groups: groups.length },
    });
  });
  onProgress(`demo data loaded: ${DEMO_UNITS.length} org units, ${DEMO_LOGINS.length + 40} users`);
  return true;
}
