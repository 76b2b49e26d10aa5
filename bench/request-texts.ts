/**
 * Generated service-request texts for the benchmarks: titles and descriptions in the words agents
 * type (faults, orders, complaints, billing, consultations), with device models, places and the
 * steps already taken, so that term frequencies look like a real helpdesk's — 宽带 very common,
 * 光猫 common, most four-character phrases rare. Deterministic for a seed; never real people.
 */
export interface GeneratedText {
  kind: string;
  title: string;
  description: string;
}

const PLACES = [
  '南京市玄武区',
  '南京市鼓楼区',
  '苏州工业园区',
  '无锡市梁溪区',
  '常州市武进区',
  '徐州市云龙区',
  '杭州市西湖区',
  '杭州市滨江区',
  '宁波市鄞州区',
  '温州市鹿城区',
  '绍兴市越城区',
  '嘉兴市南湖区',
];
const DEVICES = [
  '光猫 ZXHN F650',
  '光猫 HG8245H',
  '光猫 ZXHN F7607P',
  '机顶盒 EC6108V9',
  '机顶盒 B860AV2.1',
  '路由器 TP-LINK AX3000',
  '路由器 华为 AX3 Pro',
  '交换机 S5735',
  'OLT MA5800-X7',
];
const FAULTS: Array<[string, string]> = [
  ['宽带无法上网', '客户反映宽带无法上网，光猫 LOS 灯红色闪烁'],
  ['宽带网速慢', '晚上高峰期网速慢，测速只有签约带宽的三分之一'],
  ['宽带频繁掉线', '宽带每隔十几分钟掉线一次，重启光猫后短暂恢复'],
  ['IPTV 卡顿', 'IPTV 播放卡顿花屏，切换频道很慢'],
  ['IPTV 无信号', '电视显示无信号，机顶盒指示灯不亮'],
  ['固话无拨号音', '座机摘机无拨号音，无法呼出'],
  ['固话杂音大', '通话中有明显杂音和回声'],
  ['专线中断', '企业互联网专线中断，业务全部受影响，请尽快处理'],
  ['MPLS-VPN 不通', '分支机构到总部的 MPLS-VPN 不通，路由无法学习'],
  ['光猫无法注册', '新装光猫无法注册，LOID 认证失败'],
  ['WiFi 信号弱', '卧室 WiFi 信号弱，经常断开'],
];
const ORDERS: Array<[string, string]> = [
  ['千兆宽带升级', '客户申请将宽带从 300M 升级到千兆，需更换光猫'],
  ['新装宽带', '新房申请新装宽带和 IPTV，预约周末上门'],
  ['融合套餐变更', '客户要求变更融合套餐，保留原手机号码'],
  ['宽带移机', '客户搬家申请宽带移机到新地址'],
];
const COMPLAINTS: Array<[string, string]> = [
  ['投诉装维人员迟到', '装维人员未按预约时间上门，客户等待两小时'],
  ['投诉宽带多次维修未好', '宽带故障已报修三次仍未解决，客户情绪激动'],
  ['投诉营业厅服务态度', '客户在营业厅办理业务时对服务态度不满'],
];
const BILLING: Array<[string, string]> = [
  ['话费异常', '本月话费比上月多出一百多元，客户要求核实'],
  ['账单多扣费', '宽带已办理停机仍在扣月租费，要求退费'],
  ['发票开具', '企业客户申请开具增值税专用发票'],
];
const CONSULTATIONS: Array<[string, string]> = [
  ['咨询资费', '咨询融合套餐资费和千兆宽带优惠活动'],
  ['网络规划评估', '企业咨询园区网络规划和评估服务'],
  ['安全与容灾方案', '咨询云上安全与容灾解决方案'],
  ['呼叫中心解决方案', '咨询呼叫中心解决方案和坐席数量报价'],
];
const STEPS = [
  '已指导客户重启光猫，无效。',
  '已远程检测线路，光功率偏低。',
  '客户要求上门处理。',
  '预约明天上午九点到十一点上门。',
  '已核实账户状态正常。',
  '已派单至装维班组。',
  '客户同意先观察两天。',
  '交换机端口有大量错包。',
  '需要协调二线支撑。',
];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KIND_POOLS: Array<[string, Array<[string, string]>, number]> = [
  ['fault', FAULTS, 0.55],
  ['business_order', ORDERS, 0.15],
  ['complaint', COMPLAINTS, 0.08],
  ['billing', BILLING, 0.1],
  ['consultation', CONSULTATIONS, 0.12],
];

/** `n` texts from `seed`. */
export function generateTexts(n: number, seed = 1): GeneratedText[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: GeneratedText[] = [];
  for (let i = 0; i < n; i++) {
    let x = r();
    let entry = KIND_POOLS[0]!;
    for (const k of KIND_POOLS) {
      if (x < k[2]) {
        entry = k;
        break;
      }
      x -= k[2];
    }
    const [kind, pool] = entry;
    const [title, body] = pick(pool);
    const steps = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(STEPS)).join('');
    const device = kind === 'fault' || kind === 'business_order' ? `设备：${pick(DEVICES)}。` : '';
    out.push({
      kind,
      title: `${pick(PLACES)}${title}`,
      description: `${body}。${device}${steps}地址：${pick(PLACES)}。工单序号 ${i}`,
    });
  }
  return out;
}
