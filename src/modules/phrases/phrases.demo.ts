/** Demo phrases: what a 10000 hotline agent says every day, shared by the Jiangsu hotline centre. */
import { demoId } from '../identity/index.ts';
import type { ModuleContext } from './phrases.tables.ts';

interface DemoPhrase {
  key: string;
  unit: string;
  category: string;
  title: string;
  body: string;
  tags: string[];
}

const PHRASES: DemoPhrase[] = [
  {
    key: 'greeting',
    unit: 'CT',
    category: '问候语',
    title: '开头语',
    body: '您好，中国电信{{hotline}}，{{agent.name}}很高兴为您服务，请问有什么可以帮您？',
    tags: ['开头'],
  },
  {
    key: 'greeting-named',
    unit: 'CT.JS.10000',
    category: '问候语',
    title: '识别来电后问候',
    body: '{{customer.name}}您好，这里是江苏电信{{hotline}}，我是{{agent.name}}，请问今天有什么可以帮您？',
    tags: ['开头'],
  },
  {
    key: 'identity-check',
    unit: 'CT.JS.10000',
    category: '身份核实',
    title: '核实机主身份',
    body: '为了保障您的账户安全，需要先核实一下您的身份：请问您是{{customer.name}}本人吗？麻烦提供一下机主证件号码的后四位。',
    tags: ['安全'],
  },
  {
    key: 'identity-failed',
    unit: 'CT.JS.10000',
    category: '身份核实',
    title: '核实未通过',
    body: '很抱歉，您提供的信息与登记资料不一致，为保护机主权益，暂时无法为您办理，请机主本人携带有效证件到营业厅办理。',
    tags: ['安全'],
  },
  {
    key: 'fault-lights',
    unit: 'CT.JS.10000',
    category: '故障排查',
    title: '宽带：查看光猫指示灯',
    body: '请您先看一下光猫上的指示灯：PON灯是否常亮？LOS灯是否在红色闪烁？网口灯是否亮着？',
    tags: ['宽带', '光猫'],
  },
  {
    key: 'fault-restart',
    unit: 'CT.JS.10000',
    category: '故障排查',
    title: '宽带：重启光猫和路由器',
    body: '麻烦您把光猫和路由器的电源都拔掉，等待30秒后先插光猫、再插路由器，大约两分钟后再试一下上网。',
    tags: ['宽带', '光猫'],
  },
  {
    key: 'fault-iptv',
    unit: 'CT.JS.10000',
    category: '故障排查',
    title: 'IPTV：无信号',
    body: '请您确认机顶盒与电视之间的HDMI线已插好，并把电视信号源切换到对应的HDMI接口；机顶盒重启后仍无信号的话，我为您登记报修。',
    tags: ['IPTV'],
  },
  {
    key: 'fault-registered',
    unit: 'CT.JS.10000',
    category: '故障排查',
    title: '已登记故障申告',
    body: '已为您登记故障申告，单号{{request.number}}。装维人员会在24小时内与您联系上门处理，请保持电话畅通。',
    tags: ['报修'],
  },
  {
    key: 'apology',
    unit: 'CT',
    category: '致歉',
    title: '致歉',
    body: '非常抱歉给您带来了不便，我们会尽快为您处理。',
    tags: [],
  },
  {
    key: 'apology-outage',
    unit: 'CT.JS.10000',
    category: '致歉',
    title: '区域故障致歉',
    body: '非常抱歉，您所在区域的线路正在抢修，预计今天内恢复。恢复后我们会短信通知您，给您带来的不便敬请谅解。',
    tags: ['宽带', '区域故障'],
  },
  {
    key: 'urge',
    unit: 'CT.JS.10000',
    category: '催单',
    title: '催单安抚',
    body: '您反映的问题（单号{{request.number}}）我已再次督促处理部门加急处理，有进展会第一时间联系您，请您放心。',
    tags: ['催单'],
  },
  {
    key: 'closing',
    unit: 'CT',
    category: '结束语',
    title: '结束语',
    body: '请问还有其他可以帮您的吗？感谢您的来电，稍后请对我的服务做出评价，祝您生活愉快，再见！',
    tags: ['结束'],
  },
];

/** Loads the demo phrases once (idempotent: fixed ids, conflicts ignored); true when it added any. */
export async function seedDemoPhrases(ctx: ModuleContext): Promise<boolean> {
  const now = ctx.clock.now();
  const added = await ctx.db
    .insertInto('phrases')
    .values(
      PHRASES.map((p) => ({
        id: demoId('phrase', p.key),
        scope: 'unit' as const,
        org_unit_id: demoId('org', p.unit),
        owner_id: null,
        title: p.title,
        body: p.body,
        category: p.category,
        tags: JSON.stringify(p.tags),
        created_at: now,
        created_by: null,
        updated_at: now,
        updated_by: null,
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return added.length > 0;
}
