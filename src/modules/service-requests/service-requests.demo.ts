/**
 * Demo requests over the demo customers: every kind, several states, real timelines — made through
 * the use cases themselves (routing, audit, events), as staff would. Idempotent: skipped when any
 * request exists.
 */
import { callerFor, type Caller } from '../../platform/http/caller.ts';
import { portalCustomerOf, portalServicesOf, sampleInstances } from '../customers/index.ts';
import { demoId, principalFor } from '../identity/index.ts';
import { createRequest } from './create-request.ts';
import { requestDeps, type RequestDeps } from './deps.ts';
import { CATEGORY_SEEDS, KINDS, type Kind } from './domain/catalogue.ts';
import { DEFAULT_WORKFLOWS } from './domain/workflow.ts';
import { unitInfo } from './requests.repository.ts';
import type { RoutingPort } from './routing-port.ts';
import type { ModuleContext } from './service-requests.tables.ts';
import { portalReport } from './portal.ts';
import { addNote, transition, urge } from './transitions.ts';

const TEXTS: Record<Kind, Array<[string, string]>> = {
  fault: [
    [
      '宽带无法上网，光猫 LOS 灯红',
      '客户来电反映家中宽带从早上起无法上网，光猫 LOS 指示灯红色闪烁，已重启无效。',
    ],
    ['IPTV 看直播频繁卡顿', '晚上 8 点后 IPTV 直播频道卡顿花屏，点播正常。'],
    ['固话无拨号音', '座机拿起无拨号音，分机也不通，客户家中有老人需尽快处理。'],
    ['专线中断，总部与分支不通', '政企客户反映 MPLS-VPN 分支站点与总部业务中断，影响收银系统。'],
  ],
  consultation: [
    ['咨询千兆宽带套餐资费', '客户想了解千兆宽带和融合套餐的资费及办理条件。'],
    ['企业组网方案咨询', '客户计划在三个城市设立分支机构，咨询组网方案和网络规划评估服务。'],
  ],
  business_order: [
    ['宽带提速至 500M', '客户申请将现有 200M 宽带提速至 500M，要求周末上门。'],
    ['新装宽带', '新房入住，申请新装宽带并开通 IPTV。'],
  ],
  complaint: [
    ['投诉修障多次未上门', '客户投诉报障三天仍未有装维人员上门，情绪激动，要求尽快处理。'],
    ['投诉未经同意订购增值业务', '客户发现账单中有未订购的增值业务费用，要求退费并说明原因。'],
  ],
  billing: [
    ['本月话费异常升高', '客户反映本月账单比平时高出 80 元，要求查询明细。'],
    ['缴费未到账', '客户通过手机银行缴费，两天后仍显示欠费。'],
  ],
  technical_support: [
    ['企业路由器 VPN 配置协助', '客户 IT 人员需要协助配置分支路由器的 IPSec VPN。'],
    ['上云专线接入调试', '客户新开云专线，需要协助调试 BGP 路由。'],
  ],
  integration: [
    ['办公楼综合布线项目', '客户新办公楼 6 层需要综合布线及机房建设，请求集成服务。'],
    ['视频监控系统集成', '连锁门店视频监控接入与平台集成需求。'],
  ],
  suggestion: [
    ['表扬装维师傅服务周到', '客户致电表扬装维师傅上门及时、耐心讲解光猫使用。'],
    ['建议营业厅延长周末营业时间', '客户建议周末营业厅延长营业时间至晚上 8 点。'],
  ],
};

/** How far along each demo request is. */
const STAGES = [
  'accepted',
  'dispatched',
  'in_progress',
  'suspended',
  'escalated',
  'resolved',
  'closed',
] as const;
type Stage = (typeof STAGES)[number];

async function callers(ctx: ModuleContext) {
  const logins = ['agent', 'zj.agent', 'supervisor', 'zj.supervisor', 'monitor', 'accountmgr'];
  const entries = await Promise.all(
    logins.map(
      async (login) =>
        [login, await principalFor(ctx.db, { id: demoId('user', login) }, 'session', 'demo')] as const,
    ),
  );
  return new Map(entries);
}

export async function seedDemoRequests(
  ctx: ModuleContext,
  routing: RoutingPort,
  onProgress: (msg: string) => void,
): Promise<boolean> {
  const any = await ctx.db.selectFrom('service_requests').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const instances = (await sampleInstances(ctx.db, 400)).filter((_, i) => i % 9 === 0);
  if (instances.length === 0) return false;
  const deps: RequestDeps = { ...requestDeps(ctx, routing), recordEvents: false };
  const principals = await callers(ctx);
  const count = Math.min(48, instances.length);
  const start = ctx.clock.now().getTime() - count * 4 * 3600_000;
  for (let i = 0; i < count; i++) {
    const inst = instances[i]!;
    const kind = KINDS[i % KINDS.length]!;
    const site = await unitInfo(ctx.db, inst.siteUnitId);
    const zj = site?.code.startsWith('CT.ZJ') ?? false;
    let at = start + i * 4 * 3600_000;
    const as = (login: string): Caller => callerFor(principals.get(login)!, { now: () => new Date(at) });
    const enterprise = inst.customerKind === 'enterprise';
    const creator = zj
      ? 'zj.agent'
      : kind === 'fault' && enterprise
        ? 'monitor'
        : enterprise && i % 3 === 0
          ? 'accountmgr'
          : 'agent';
    const [title, description] = TEXTS[kind][i % TEXTS[kind].length]!;
    const category = CATEGORY_SEEDS.filter((c) => c.kind === kind)[i % 3]!.code;
    const atIntake = DEFAULT_WORKFLOWS[kind].closeAtIntake && i % 5 === 0;
    const channel =
      creator === 'monitor'
        ? 'monitoring'
        : creator === 'accountmgr'
          ? 'account_manager'
          : i % 4 === 1
            ? 'app'
            : 'hotline';
    const { view } = await createRequest(deps, as(creator), {
      kind,
      title,
      description,
      channel,
      ...(channel === 'hotline'
        ? { accessNumber: enterprise ? '10000-9' : '10000', channelRef: `call-demo-${i}` }
        : {}),
      productInstanceId: inst.id,
      category,
      priority: enterprise ? 'high' : i % 6 === 0 ? 'urgent' : 'normal',
      ...(atIntake ? { resolveAtIntake: { resolution: '已在电话中答复客户，客户表示满意。' } } : {}),
    });
    if (!atIntake) {
      const worker = zj ? 'zj.supervisor' : 'supervisor';
      const asUser = async (userId: string) => {
        const principal = await principalFor(ctx.db, { id: userId }, 'session', 'demo');
        return () => {
          at += 20 * 60_000;
          return callerFor(principal, { now: () => new Date(at) });
        };
      };
      await advance(
        deps,
        view.id,
        kind,
        STAGES[i % STAGES.length]!,
        (login) => {
          at += 20 * 60_000;
          return as(login ?? worker);
        },
        asUser,
      );
    }
  }
  // In the past like the others (lists are newest first): the last step half an hour ago.
  const portal = await seedPortalRequests(ctx, deps, ctx.clock.now().getTime() - 4 * 3600_000);
  onProgress(`service requests: ${count + portal} demo requests`);
  return true;
}

/**
 * The demo portal login's own requests (自助服务), submitted on the portal: a fault that an agent
 * took (its first-contact owner) and resolved, waiting for the customer's confirmation, and an
 * open consultation nobody has taken yet (owned by its unit).
 */
async function seedPortalRequests(ctx: ModuleContext, deps: RequestDeps, from: number): Promise<number> {
  const customerId = await portalCustomerOf(ctx.db, demoId('user', 'customer'));
  const service = customerId
    ? (await portalServicesOf(ctx.db, customerId)).find((s) => s.status === 'active')
    : undefined;
  if (!service) return 0;
  let at = from;
  const as = async (login: string) => {
    const principal = await principalFor(ctx.db, { id: demoId('user', login) }, 'session', 'demo');
    at += 30 * 60_000;
    return callerFor(principal, { now: () => new Date(at) });
  };
  const { id } = await portalReport(deps, await as('customer'), {
    kind: 'fault',
    productInstanceId: service.id,
    title: '宽带晚上经常掉线',
    description: '最近一周每晚 9 点左右宽带掉线，重启光猫后才恢复。',
    category: 'broadband.drops',
  });
  const agent = demoId('user', 'agent');
  await transition(deps, await as('agent'), id, { action: 'dispatch', assigneeId: agent });
  await transition(deps, await as('agent'), id, { action: 'take' });
  await transition(deps, await as('agent'), id, { action: 'start' });
  await addNote(deps, await as('agent'), id, {
    body: '已远程检测线路，明天上午安排师傅上门。',
    visibility: 'customer',
  });
  await transition(deps, await as('agent'), id, {
    action: 'resolve',
    result: '更换老化的入户尾纤，连续观察两晚未再掉线。',
  });
  await portalReport(deps, await as('customer'), {
    kind: 'consultation',
    title: '咨询千兆宽带升级',
    description: '现在是 200M 宽带，想了解升级千兆的资费和是否需要更换光猫。',
  });
  return 2;
}

/** Walks a request along its kind's workflow to a stage. */
async function advance(
  deps: RequestDeps,
  id: string,
  kind: Kind,
  stage: Stage,
  as: (login?: string) => Caller,
  asUser: (userId: string) => Promise<() => Caller>,
) {
  if (stage === 'accepted') return;
  const wf = DEFAULT_WORKFLOWS[kind];
  let v: { version: number; assigneeId?: string | null } = { version: 1 };
  let worker = () => as();
  const act = async (
    action: Parameters<typeof transition>[3]['action'],
    extra: { reason?: string; result?: string; cause?: 'customer' | 'operator' } = {},
  ) => {
    v = await transition(deps, worker(), id, { action, ...extra });
  };
  if (wf.states.includes('triage')) await act('triage');
  await act('dispatch');
  if (stage === 'dispatched') return;
  // Routing may have picked a member of the group: then that person takes it and works on it.
  if (v.assigneeId) worker = await asUser(v.assigneeId);
  await act('take');
  await act('start');
  await urge(deps, as(), id, { reason: '客户来电催促处理进度' });
  if (stage === 'in_progress') return;
  if (stage === 'suspended') return act('suspend', { reason: '客户要求改约周六上门', cause: 'customer' });
  if (stage === 'escalated') return act('escalate', { reason: '一线无法定位，需二线支撑' });
  // A fault is repaired on site: the technician's arrival (到场) stops the arrival clock.
  if (wf.transitions.some((r) => r.action === 'arrive')) await act('arrive');
  await act('resolve', { result: '已更换故障设备，业务恢复正常。' });
  if (stage === 'resolved') return;
  if (wf.states.includes('callback')) {
    await act('callback');
    await act('confirm');
  } else await act('close');
}
