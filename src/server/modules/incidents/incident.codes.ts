/**
 * The classification code list (警情类别): national-style categories with their sub-types, each with the
 * base severity (1 = I 特别重大 … 4 = IV 一般) grading starts from. Configurable here, in one table.
 */
export const CATEGORIES = ['criminal', 'public_order', 'traffic', 'fire', 'assistance', 'dispute', 'report'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface SubTypeDef {
  label: string;
  baseSeverity: 1 | 2 | 3 | 4;
  /** A threat to life or public safety by its nature: the duty leader is alerted at once. */
  lifeThreat?: boolean;
}

/** sub_type code (`category.code`) → definition. */
export const SUB_TYPES: Record<string, SubTypeDef> = {
  'criminal.homicide': { label: '命案', baseSeverity: 1, lifeThreat: true },
  'criminal.robbery': { label: '抢劫', baseSeverity: 2, lifeThreat: true },
  'criminal.burglary': { label: '入室盗窃', baseSeverity: 3 },
  'criminal.theft': { label: '盗窃', baseSeverity: 4 },
  'criminal.fraud': { label: '诈骗', baseSeverity: 4 },
  'criminal.assault': { label: '故意伤害', baseSeverity: 3 },
  'criminal.kidnapping': { label: '绑架', baseSeverity: 1, lifeThreat: true },
  'public_order.fight': { label: '打架斗殴', baseSeverity: 3 },
  'public_order.gathering': { label: '聚集滋事', baseSeverity: 3 },
  'public_order.noise': { label: '噪音扰民', baseSeverity: 4 },
  'traffic.accident': { label: '交通事故', baseSeverity: 3 },
  'traffic.congestion': { label: '交通拥堵', baseSeverity: 4 },
  'traffic.drunk_driving': { label: '酒驾', baseSeverity: 3 },
  'fire.building': { label: '建筑火灾', baseSeverity: 2, lifeThreat: true },
  'fire.vehicle': { label: '车辆火灾', baseSeverity: 3 },
  'assistance.missing_person': { label: '人员走失', baseSeverity: 3 },
  'assistance.medical': { label: '急病求助', baseSeverity: 3 },
  'assistance.locked_out': { label: '开锁求助', baseSeverity: 4 },
  'dispute.neighbour': { label: '邻里纠纷', baseSeverity: 4 },
  'dispute.domestic': { label: '家庭纠纷', baseSeverity: 3 },
  'dispute.labour': { label: '劳资纠纷', baseSeverity: 4 },
  'report.clue': { label: '线索举报', baseSeverity: 4 },
  'report.drugs': { label: '涉毒举报', baseSeverity: 3 },
};

/** True when `subType` is in the code list under `category`. */
export function isKnownSubType(category: string, subType: string): boolean {
  return subType.startsWith(`${category}.`) && Object.hasOwn(SUB_TYPES, subType);
}

/**
 * Categories whose calls may be the same event (a fight reported as a disturbance, a crash reported as a
 * fire): duplicate detection compares a new call only with open incidents of a compatible category.
 */
export const COMPATIBLE: Record<Category, readonly Category[]> = {
  criminal: ['criminal', 'public_order', 'dispute'],
  public_order: ['public_order', 'criminal', 'dispute'],
  traffic: ['traffic', 'fire'],
  fire: ['fire', 'traffic'],
  assistance: ['assistance'],
  dispute: ['dispute', 'public_order', 'criminal'],
  report: ['report'],
};
