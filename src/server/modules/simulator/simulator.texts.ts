/**
 * What simulated calls say: the demo history's sub-types mapped onto the live code list, plausible Chinese
 * call descriptions per sub-type, synthetic caller names and mobile numbers, and the disposition a crew
 * reports. Plain data; the simulator draws from it with its seeded stream.
 */
import { SUB_TYPES } from '../incidents/incident.codes.ts';

/**
 * The demo history uses a finer code list than live intake (e.g. traffic.collision_injury); each historical
 * sub-type maps to the live code it is taken as, with the grading facts the finer code implies. A historical
 * code already in the live list maps to itself (see liveSubType).
 */
export const HISTORY_TO_LIVE: Record<string, { subType: string; injuries?: number; weapons?: boolean }> = {
  'traffic.collision_damage': { subType: 'traffic.accident' },
  'traffic.collision_injury': { subType: 'traffic.accident', injuries: 1 },
  'traffic.illegal_parking': { subType: 'traffic.congestion' },
  'public_order.fighting': { subType: 'public_order.fight' },
  'public_order.provocation': { subType: 'public_order.gathering' },
  'public_order.drunk': { subType: 'public_order.fight' },
  'public_order.gambling': { subType: 'report.clue' },
  'dispute.family': { subType: 'dispute.domestic' },
  'dispute.consumer': { subType: 'dispute.neighbour' },
  'dispute.economic': { subType: 'dispute.labour' },
  'assistance.lost_property': { subType: 'report.clue' },
  'assistance.trapped': { subType: 'assistance.locked_out' },
  'assistance.drunk_help': { subType: 'assistance.medical' },
  'report.crime_lead': { subType: 'report.clue' },
  'report.suspicious': { subType: 'report.clue' },
  'report.vice': { subType: 'report.clue' },
  'fire.shop': { subType: 'fire.building' },
  'fire.residential': { subType: 'fire.building' },
  'fire.factory': { subType: 'fire.building' },
};

/** The live sub-type a historical code is taken as (null when it has none), with implied grading facts. */
export function liveSubType(historical: string): { subType: string; injuries?: number; weapons?: boolean } | null {
  if (Object.hasOwn(SUB_TYPES, historical)) return { subType: historical };
  const m = HISTORY_TO_LIVE[historical];
  return m && Object.hasOwn(SUB_TYPES, m.subType) ? m : null;
}

/** Call descriptions per live sub-type, as a call-taker would type them. */
export const DESCRIPTIONS: Record<string, readonly string[]> = {
  'criminal.homicide': ['报警人称发现一人倒地不起，身上有血迹，疑似被人杀害', '报警人称家中发生命案，嫌疑人已逃离'],
  'criminal.robbery': ['报警人称刚被两名男子持刀抢走手机和钱包，嫌疑人往北逃跑', '店主称有人闯入店内抢走收银台现金'],
  'criminal.burglary': ['报警人下班回家发现门锁被撬，屋内财物被翻动', '报警人称家中窗户被撬开，丢失现金和首饰'],
  'criminal.theft': ['报警人称电动车在楼下被盗', '报警人称在商场内手机被偷', '报警人称停在路边的车辆车窗被砸，包被偷'],
  'criminal.fraud': ['报警人称接到冒充客服的电话，被骗转账两万元', '报警人称网上刷单被骗，损失五千元'],
  'criminal.assault': ['报警人称被人用酒瓶打伤头部，需要救助', '报警人称与人发生口角后被对方殴打'],
  'criminal.kidnapping': ['报警人称孩子被陌生人强行带上一辆面包车', '报警人称家人被扣押，对方索要赎金'],
  'public_order.fight': ['报警人称烧烤店门口有多人打架', '报警人称酒吧门口有人醉酒闹事并动手打人'],
  'public_order.gathering': ['报警人称有一群人在小区门口聚集滋事', '报警人称有人在店内寻衅滋事，拒不离开'],
  'public_order.noise': [
    '报警人称楼上深夜装修噪音扰民',
    '报警人称广场舞音响声音过大，影响休息',
    '报警人称隔壁聚会吵闹至凌晨',
  ],
  'traffic.accident': [
    '报警人称两车追尾，无人受伤，需要处理',
    '报警人称电动车与轿车相撞，有人受伤',
    '报警人称路口发生交通事故',
  ],
  'traffic.congestion': ['报警人称路口严重拥堵，车辆无法通行', '报警人称有车辆违停堵住小区出口'],
  'traffic.drunk_driving': ['报警人称前方车辆行驶不稳，驾驶人疑似酒驾', '报警人称有人酒后驾车刚从饭店离开'],
  'fire.building': ['报警人称楼内冒出浓烟，疑似起火', '报警人称沿街商铺起火，火势较大'],
  'fire.vehicle': ['报警人称路边一辆轿车自燃', '报警人称电动车充电时起火'],
  'assistance.missing_person': ['报警人称家中老人外出未归，有阿尔茨海默症', '报警人称孩子放学后一直未回家'],
  'assistance.medical': ['报警人称路边有人晕倒，需要帮助', '报警人称有人醉酒倒地不起'],
  'assistance.locked_out': ['报警人称被反锁在门外，家中有幼儿', '报警人称被困电梯内'],
  'dispute.neighbour': ['报警人称与邻居因停车位发生纠纷', '报警人称与商家因退款发生争执'],
  'dispute.domestic': ['报警人称与家人发生争吵，情绪激动', '报警人称夫妻吵架，对方摔砸物品'],
  'dispute.labour': ['报警人称工地老板拖欠工资，多名工人在现场讨薪', '报警人称与欠款人发生经济纠纷'],
  'report.clue': [
    '报警人举报某出租屋内有人聚众赌博',
    '报警人称捡到一个钱包，内有证件',
    '报警人举报有可疑人员在小区内徘徊',
  ],
  'report.drugs': ['报警人举报某房间内有人吸毒', '报警人举报有人在公园附近贩卖可疑物品'],
};

/** How a crew closes an incident of a category: a disposition and a result code (see the incident codes). */
export const CLOSING_NOTES: readonly string[] = [
  '已现场处置完毕',
  '当事人已调解',
  '已移交相关部门',
  '已查明情况并告知报警人',
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国文斌辉鹏宇浩晨欣怡佳';
const PHONE_PREFIXES = [
  '130',
  '131',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '158',
  '159',
  '186',
  '187',
  '188',
  '189',
];

/** A synthetic caller from a uniform stream `u` (values in [0, 1)). */
export function syntheticCaller(u: () => number): { name: string; phone: string } {
  const at = (s: string | readonly string[]) => s[Math.floor(u() * s.length)]!;
  const given = u() < 0.5 ? at(GIVEN) : at(GIVEN) + at(GIVEN);
  let digits = '';
  for (let i = 0; i < 8; i++) digits += Math.floor(u() * 10);
  return { name: at(SURNAMES) + given, phone: at(PHONE_PREFIXES) + digits };
}

/** Simulated seconds a crew spends on scene, by category: [min, max). */
export const SERVICE_SEC: Record<string, readonly [number, number]> = {
  criminal: [20 * 60, 40 * 60],
  public_order: [10 * 60, 25 * 60],
  traffic: [10 * 60, 25 * 60],
  fire: [20 * 60, 40 * 60],
  assistance: [8 * 60, 20 * 60],
  dispute: [15 * 60, 30 * 60],
  report: [8 * 60, 20 * 60],
};

/** How a crew closes an incident of a sub-type: a disposition and result code from the code list. */
export function closingCodes(subType: string, u: () => number): { disposition: string; resultCode: string } {
  const category = subType.split('.')[0];
  if (subType === 'assistance.medical')
    return { disposition: 'referred_fire_medical', resultCode: 'injured_to_hospital' };
  switch (category) {
    case 'criminal':
      return u() < 0.3
        ? { disposition: 'criminal_case_filed', resultCode: 'suspect_detained' }
        : { disposition: 'criminal_case_filed', resultCode: 'under_investigation' };
    case 'public_order':
      return u() < 0.5
        ? { disposition: 'administrative_case', resultCode: 'advice_given' }
        : { disposition: 'on_scene_resolved', resultCode: 'resolved' };
    case 'traffic':
      return { disposition: 'on_scene_resolved', resultCode: 'resolved' };
    case 'fire':
      return { disposition: 'referred_fire_medical', resultCode: 'resolved' };
    case 'dispute':
      return { disposition: 'mediated', resultCode: 'resolved' };
    case 'report':
      return u() < 0.15
        ? { disposition: 'false_report', resultCode: 'parties_not_found' }
        : { disposition: 'on_scene_resolved', resultCode: 'under_investigation' };
    default:
      return { disposition: 'on_scene_resolved', resultCode: 'advice_given' };
  }
}
