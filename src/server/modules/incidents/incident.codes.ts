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

/** Dispositions (处置方式): how the incident was dealt with; required to close it. */
export const DISPOSITIONS: Record<string, { label: string }> = {
  on_scene_resolved: { label: '现场处置完毕' },
  criminal_case_filed: { label: '刑事立案' },
  administrative_case: { label: '行政案件受理' },
  mediated: { label: '调解处理' },
  transferred: { label: '移交其他部门' },
  referred_fire_medical: { label: '转消防/急救' },
  no_police_matter: { label: '非警务求助，已告知' },
  false_report: { label: '虚假警情' },
};

/** Result codes (处置结果): what came of it; required to close. */
export const RESULTS: Record<string, { label: string }> = {
  resolved: { label: '问题已解决' },
  suspect_detained: { label: '抓获嫌疑人' },
  under_investigation: { label: '待进一步侦查' },
  property_recovered: { label: '追回财物' },
  injured_to_hospital: { label: '伤者已送医' },
  advice_given: { label: '已劝导告知' },
  parties_not_found: { label: '未找到当事人' },
};

/** Category labels for the code list endpoint. */
export const CATEGORY_LABELS: Record<Category, string> = {
  criminal: '刑事',
  public_order: '治安',
  traffic: '交通',
  fire: '火灾',
  assistance: '求助',
  dispute: '纠纷',
  report: '举报',
};
