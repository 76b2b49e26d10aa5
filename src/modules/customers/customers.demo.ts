import { sql } from 'kysely';
import type { Executor } from './customers.tables.ts';
import type { ModuleContext } from './customers.tables.ts';
import { appendAudit, systemActor } from '../audit/index.ts';
import { activeUsersWithRole, demoId, orgUnits } from '../identity/index.ts';
import { linkDemoPortalAccount } from './intake-access.ts';
import { insertPrepared, nextCustomerNumbers, prepareCustomer } from './customers.bulk.ts';
import { customerInput, type CustomerInput } from './customers.schemas.ts';
import { vaultFor } from './pii-keys.service.ts';
import { TIERS } from './domain/catalogue.ts';
import { generateEnterprise, generateIndividual, rng, type Area } from './domain/generator.ts';

interface AreaSpec extends Omit<Area, 'orgUnitId' | 'accountManagerIds' | 'provinceUnitId'> {
  unit: string;
  provinceUnit: string;
}

/** The demo operator's service areas (org unit codes from the demo org tree). */
export const DEMO_AREAS: AreaSpec[] = [
  {
    unit: 'CT.JS.NJ',
    provinceUnit: 'CT.JS',
    province: '江苏省',
    city: '南京市',
    cityCode: 'NJ',
    areaCode: '025',
    districts: [
      { name: '玄武区', code: '320102', abbr: 'XW' },
      { name: '秦淮区', code: '320104', abbr: 'QH' },
      { name: '建邺区', code: '320105', abbr: 'JY' },
      { name: '鼓楼区', code: '320106', abbr: 'GL' },
    ],
  },
  {
    unit: 'CT.JS.NJ.JN',
    provinceUnit: 'CT.JS',
    province: '江苏省',
    city: '南京市',
    cityCode: 'NJ',
    areaCode: '025',
    districts: [{ name: '江宁区', code: '320115', abbr: 'JN' }],
  },
  {
    unit: 'CT.JS.SZ',
    provinceUnit: 'CT.JS',
    province: '江苏省',
    city: '苏州市',
    cityCode: 'SZ',
    areaCode: '0512',
    districts: [
      { name: '姑苏区', code: '320508', abbr: 'GS' },
      { name: '吴中区', code: '320506', abbr: 'WZ' },
      { name: '虎丘区', code: '320505', abbr: 'HQ' },
    ],
  },
  {
    unit: 'CT.JS.WX',
    provinceUnit: 'CT.JS',
    province: '江苏省',
    city: '无锡市',
    cityCode: 'WX',
    areaCode: '0510',
    districts: [
      { name: '梁溪区', code: '320213', abbr: 'LX' },
      { name: '新吴区', code: '320214', abbr: 'XW' },
    ],
  },
  {
    unit: 'CT.ZJ.HZ',
    provinceUnit: 'CT.ZJ',
    province: '浙江省',
    city: '杭州市',
    cityCode: 'HZ',
    areaCode: '0571',
    districts: [
      { name: '上城区', code: '330102', abbr: 'SC' },
      { name: '西湖区', code: '330106', abbr: 'XH' },
      { name: '滨江区', code: '330108', abbr: 'BJ' },
    ],
  },
];

/** Resolves the demo areas against the org tree in the database (unit ids, account managers). */
export async function resolveAreas(db: Executor, specs: AreaSpec[] = DEMO_AREAS): Promise<Area[]> {
  const codes = [...new Set(specs.flatMap((s) => [s.unit, s.provinceUnit]))];
  const units = await orgUnits(db, { codes });
  const byCode = new Map(units.map((u) => [u.code, u]));
  const managers = await activeUsersWithRole(db, 'account_manager');
  return specs
    .filter((s) => byCode.has(s.unit) && byCode.has(s.provinceUnit))
    .map(({ unit, provinceUnit, ...rest }) => {
      const u = byCode.get(unit)!;
      const province = byCode.get(provinceUnit)!;
      return {
        ...rest,
        orgUnitId: u.id,
        provinceUnitId: province.id,
        // Account managers of the same province serve its enterprises.
        accountManagerIds: managers.filter((m) => m.unitPath.startsWith(province.path)).map((m) => m.id),
      };
    });
}

export interface DemoCustomersPlan {
  consumers: number;
  enterprisesPerTier: number;
  seed?: number;
  /** First index for generated numbers (keep ranges apart between runs). */
  startIndex?: number;
}

/** Generates customers across the areas: consumers weighted to the first areas, every tier. */
export function planDemoCustomers(areas: Area[], plan: DemoCustomersPlan): CustomerInput[] {
  const r = rng(plan.seed ?? 20261125);
  const start = plan.startIndex ?? 0;
  const weights = areas.map((_, i) => (i === 0 ? 4 : i === areas.length - 1 ? 2.5 : 1.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const areaFor = (x: number) => {
    let acc = 0;
    for (let i = 0; i < areas.length; i++) if ((acc += weights[i]! / sum) > x) return areas[i]!;
    return areas[areas.length - 1]!;
  };
  const out: CustomerInput[] = [];
  for (let k = 0; k < plan.consumers; k++) out.push(generateIndividual(r, areaFor(r()), start + k));
  let n = start;
  for (const tier of TIERS) {
    for (let k = 0; k < plan.enterprisesPerTier; k++, n++) {
      const area = areas[k % areas.length]!;
      // Half the group-level customers also have a branch in another province (跨地域无差异服务).
      const other = areas.find((a) => a.provinceUnitId !== area.provinceUnitId);
      const branches = tier === 'group' && k % 2 === 0 && other ? [other.orgUnitId] : [];
      out.push(generateEnterprise(r, area, n, tier, branches));
    }
  }
  return out;
}

/**
 * The demo's signed service agreement: the first 集团级 enterprise of 苏州 has it (the sla module's
 * demo adds its row to the policy matrix, `contract.<number>`).
 */
export const DEMO_SLA_CONTRACT = {
  contractNo: 'JS-SLA-2025-0001',
  name: '政企专线服务水平协议（集团级）',
  validFrom: '2025-01-01',
  validTo: '2027-12-31',
} as const;

/**
 * Where the demo's sites are: consumers' lines in 江宁 are in its villages (农村), in 吴中 in its
 * towns (县城); every other service with an address is urban. Services without a site (mobile,
 * applications) record none.
 */
async function placeDemoSites(trx: Executor) {
  await sql`
    update product_instances i set location_class = case
      when c.kind = 'individual' and i.service_address like '%江宁区%' then 'rural'
      when c.kind = 'individual' and i.service_address like '%吴中区%' then 'county'
      else 'urban' end
    from customers c
    where c.id = i.customer_id and i.service_address is not null`.execute(trx);
}

/** The demo's contract customer (see DEMO_SLA_CONTRACT) and its agreement. */
async function signDemoContract(trx: Executor, areas: Area[]) {
  const suzhou = areas.find((a) => a.cityCode === 'SZ');
  if (!suzhou) return;
  const customer = await trx
    .selectFrom('customers')
    .select('id')
    .where('kind', '=', 'enterprise')
    .where('tier', '=', 'group')
    .where('org_unit_id', '=', suzhou.orgUnitId)
    .orderBy('customer_no')
    .executeTakeFirst();
  if (!customer) return;
  await trx
    .insertInto('customer_contracts')
    .values({
      contract_no: DEMO_SLA_CONTRACT.contractNo,
      customer_id: customer.id,
      name: DEMO_SLA_CONTRACT.name,
      valid_from: DEMO_SLA_CONTRACT.validFrom,
      valid_to: DEMO_SLA_CONTRACT.validTo,
    })
    .execute();
}

/**
 * The demo seed's customers: 200 consumers and 20 enterprises of every tier in 江苏 and 浙江, with
 * contacts and service instances, where their sites are, and one enterprise's signed SLA. Called
 * once by ensureDemoData.
 */
export async function seedDemoCustomers(ctx: ModuleContext, onProgress: (msg: string) => void = () => {}) {
  const existing = await ctx.db.selectFrom('customers').select('id').limit(1).executeTakeFirst();
  if (existing) return { created: 0 };
  const vault = vaultFor(ctx.config);
  const areas = await resolveAreas(ctx.db);
  if (areas.length === 0) return { created: 0 };
  // Parsing through the API schema proves the generator makes valid records (and normalises them).
  const inputs = planDemoCustomers(areas, { consumers: 200, enterprisesPerTier: 20 }).map((c) =>
    customerInput.parse(c),
  );
  await ctx.db.transaction().execute(async (trx) => {
    const numbers = await nextCustomerNumbers(trx, inputs.length);
    await insertPrepared(
      trx,
      inputs.map((c, i) => prepareCustomer(vault, c, numbers[i]!)),
    );
    await placeDemoSites(trx);
    await signDemoContract(trx, areas);
    await appendAudit(trx, systemActor('seed'), {
      action: 'demo.customers',
      entityType: 'system',
      details: { customers: inputs.length },
    });
  });
  // The demo portal login speaks for one of them (intake-access.ts).
  await linkDemoPortalAccount(ctx.db, demoId('user', 'customer'), demoId('org', 'CT.JS.NJ'));
  onProgress(`demo customers loaded: ${inputs.length}`);
  return { created: inputs.length };
}

/** How many customers there are, erased ones too (the demo seed's check for an operator's database). */
export async function countCustomers(db: Executor): Promise<number> {
  const { n } = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}
