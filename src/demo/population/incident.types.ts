/**
 * The incident classification used by the demo history (a national-style 警情 code list: 刑事/治安/交通/火灾/
 * 求助/纠纷/举报 with sub-types) and the patterns each type follows: share of all calls, hour-of-day and
 * day-of-week profiles, seasonal peak, long-term trend, where it happens and how severe it tends to be.
 *
 * Parametric on purpose: the analytics issue can tune or zero a pattern and test that its detectors follow.
 */
import type { IncidentCategory } from './population.model.ts';

export type AddressKind = 'residential' | 'commercial' | 'industrial' | 'public' | 'road';

export interface SubTypeSpec {
  code: string;
  zh: string;
  /** Weight within its category. */
  weight: number;
  /** Weights of severity I, II, III, IV. */
  severity: [number, number, number, number];
  /** Where it happens (weights by address kind; `road`: on a road near the address). */
  places: Partial<Record<AddressKind, number>>;
  /** Hour-of-day profile (24 weights, local time); the category's when absent. */
  hours?: readonly number[];
  /** Yearly change of the rate, e.g. 0.15 = +15 % a year. */
  trend?: number;
}

export interface CategorySpec {
  zh: string;
  /** Share of all incidents. */
  share: number;
  hours: readonly number[];
  /** Monday … Sunday weights. */
  weekdays: readonly number[];
  /** Seasonal amplitude and peak month (1-12): rate × (1 + amplitude·cos(2π(month − peak)/12)). */
  season: { amplitude: number; peakMonth: number };
  /** Probability that an incident of this category is drawn inside a hotspot. */
  hotspotShare: number;
  subTypes: SubTypeSpec[];
}

/** Low by day, rising through the evening, peaking around midnight. */
const NIGHT = [9, 7, 5, 3, 2, 1.5, 1, 1, 1.2, 1.5, 1.8, 2, 2.2, 2.2, 2.2, 2.3, 2.5, 3, 4, 5, 6.5, 8, 9.5, 10];
/** Morning and evening rush hours. */
const RUSH = [1, 0.6, 0.4, 0.3, 0.4, 0.9, 2.5, 5, 6, 4, 3, 3, 3.2, 3, 3, 3.5, 4.5, 6, 6.5, 4.5, 3, 2.5, 2, 1.5];
/** Office hours when homes stand empty, and the small hours. */
const BURGLARY = [3, 3.5, 3.5, 3, 2, 1, 1, 1.5, 3, 4, 4.5, 4.5, 4, 4, 4.5, 4.5, 4, 3, 2, 1.5, 1.5, 1.5, 2, 2.5];
const DAYTIME = [1, 0.8, 0.6, 0.5, 0.5, 0.8, 1.5, 2.5, 3.5, 4, 4, 4, 3.8, 3.6, 3.8, 4, 4, 4, 4, 3.8, 3.2, 2.6, 2, 1.4];
const MEALS = [1, 0.8, 0.6, 0.5, 0.5, 0.7, 1.2, 2, 2, 2, 2.5, 4, 4.5, 3, 2, 2, 2.5, 4, 5, 4.5, 3, 2, 1.5, 1.2];

const WEEKEND_NIGHTS = [0.9, 0.9, 0.95, 1, 1.25, 1.5, 1.2];
const WORKDAYS = [1.08, 1.05, 1.05, 1.05, 1.1, 0.85, 0.82];
const EVEN = [1, 1, 1, 1, 1, 1, 1];

export const INCIDENT_TYPES: Record<IncidentCategory, CategorySpec> = {
  criminal: {
    zh: '刑事',
    share: 0.12,
    hours: DAYTIME,
    weekdays: EVEN,
    season: { amplitude: 0.12, peakMonth: 1 },
    hotspotShare: 0.25,
    subTypes: [
      {
        code: 'burglary',
        zh: '入室盗窃',
        weight: 30,
        severity: [0, 1, 15, 84],
        places: { residential: 1 },
        hours: BURGLARY,
        trend: -0.08,
      },
      {
        code: 'theft',
        zh: '盗窃',
        weight: 28,
        severity: [0, 0, 10, 90],
        places: { commercial: 5, public: 3, residential: 2 },
      },
      {
        code: 'fraud',
        zh: '电信网络诈骗',
        weight: 25,
        severity: [0, 2, 18, 80],
        places: { residential: 8, commercial: 2 },
        trend: 0.15,
      },
      {
        code: 'robbery',
        zh: '抢劫',
        weight: 5,
        severity: [1, 9, 45, 45],
        places: { commercial: 4, road: 3, public: 3 },
        hours: NIGHT,
      },
      {
        code: 'assault',
        zh: '故意伤害',
        weight: 12,
        severity: [1, 6, 40, 53],
        places: { commercial: 6, residential: 3, road: 1 },
        hours: NIGHT,
      },
    ],
  },
  public_order: {
    zh: '治安',
    share: 0.15,
    hours: NIGHT,
    weekdays: WEEKEND_NIGHTS,
    season: { amplitude: 0.2, peakMonth: 7 },
    hotspotShare: 0.45,
    subTypes: [
      {
        code: 'fighting',
        zh: '打架斗殴',
        weight: 30,
        severity: [0, 2, 18, 80],
        places: { commercial: 7, road: 2, residential: 1 },
      },
      {
        code: 'provocation',
        zh: '寻衅滋事',
        weight: 15,
        severity: [0, 1, 14, 85],
        places: { commercial: 6, public: 2, road: 2 },
      },
      { code: 'gambling', zh: '赌博', weight: 10, severity: [0, 0, 10, 90], places: { residential: 5, commercial: 5 } },
      { code: 'drunk', zh: '醉酒滋事', weight: 20, severity: [0, 0, 6, 94], places: { commercial: 8, road: 2 } },
      { code: 'noise', zh: '噪音扰民', weight: 25, severity: [0, 0, 1, 99], places: { residential: 7, commercial: 3 } },
    ],
  },
  traffic: {
    zh: '交通',
    share: 0.25,
    hours: RUSH,
    weekdays: WORKDAYS,
    season: { amplitude: 0.06, peakMonth: 12 },
    hotspotShare: 0,
    subTypes: [
      { code: 'collision_damage', zh: '交通事故(财损)', weight: 55, severity: [0, 0, 5, 95], places: { road: 1 } },
      { code: 'collision_injury', zh: '交通事故(伤人)', weight: 12, severity: [1, 8, 40, 51], places: { road: 1 } },
      { code: 'congestion', zh: '交通拥堵', weight: 18, severity: [0, 0, 4, 96], places: { road: 1 } },
      {
        code: 'illegal_parking',
        zh: '违法停车',
        weight: 15,
        severity: [0, 0, 0, 100],
        places: { road: 3, residential: 1 },
        hours: DAYTIME,
      },
    ],
  },
  fire: {
    zh: '火灾',
    share: 0.02,
    hours: MEALS,
    weekdays: EVEN,
    season: { amplitude: 0.3, peakMonth: 1 },
    hotspotShare: 0.1,
    subTypes: [
      { code: 'residential', zh: '住宅火灾', weight: 50, severity: [1, 6, 30, 63], places: { residential: 1 } },
      { code: 'shop', zh: '商铺火灾', weight: 25, severity: [1, 8, 35, 56], places: { commercial: 1 } },
      { code: 'vehicle', zh: '车辆火灾', weight: 15, severity: [0, 3, 25, 72], places: { road: 1 } },
      { code: 'factory', zh: '厂房火灾', weight: 10, severity: [2, 12, 40, 46], places: { industrial: 1 } },
    ],
  },
  assistance: {
    zh: '求助',
    share: 0.22,
    hours: DAYTIME,
    weekdays: EVEN,
    season: { amplitude: 0.08, peakMonth: 8 },
    hotspotShare: 0.08,
    subTypes: [
      {
        code: 'missing_person',
        zh: '人员走失',
        weight: 15,
        severity: [0, 2, 20, 78],
        places: { residential: 4, public: 4, commercial: 2 },
      },
      {
        code: 'drunk_help',
        zh: '醉酒求助',
        weight: 15,
        severity: [0, 0, 5, 95],
        places: { commercial: 6, road: 4 },
        hours: NIGHT,
      },
      {
        code: 'medical',
        zh: '突发疾病',
        weight: 25,
        severity: [0, 3, 25, 72],
        places: { residential: 7, public: 2, commercial: 1 },
      },
      {
        code: 'trapped',
        zh: '被困求助',
        weight: 15,
        severity: [0, 2, 18, 80],
        places: { residential: 7, commercial: 3 },
      },
      {
        code: 'lost_property',
        zh: '遗失物品',
        weight: 30,
        severity: [0, 0, 0, 100],
        places: { public: 4, commercial: 4, road: 2 },
      },
    ],
  },
  dispute: {
    zh: '纠纷',
    share: 0.2,
    hours: NIGHT,
    weekdays: WEEKEND_NIGHTS,
    season: { amplitude: 0.15, peakMonth: 7 },
    hotspotShare: 0.3,
    subTypes: [
      { code: 'neighbour', zh: '邻里纠纷', weight: 25, severity: [0, 0, 4, 96], places: { residential: 1 } },
      { code: 'family', zh: '家庭纠纷', weight: 25, severity: [0, 1, 10, 89], places: { residential: 1 } },
      {
        code: 'economic',
        zh: '经济纠纷',
        weight: 15,
        severity: [0, 0, 5, 95],
        places: { commercial: 6, residential: 4 },
        hours: DAYTIME,
      },
      { code: 'consumer', zh: '消费纠纷', weight: 25, severity: [0, 0, 3, 97], places: { commercial: 1 } },
      {
        code: 'labour',
        zh: '劳资纠纷',
        weight: 10,
        severity: [0, 1, 12, 87],
        places: { industrial: 6, commercial: 4 },
        hours: DAYTIME,
      },
    ],
  },
  report: {
    zh: '举报',
    share: 0.04,
    hours: DAYTIME,
    weekdays: EVEN,
    season: { amplitude: 0, peakMonth: 1 },
    hotspotShare: 0.3,
    subTypes: [
      {
        code: 'drugs',
        zh: '涉毒线索',
        weight: 20,
        severity: [0, 2, 20, 78],
        places: { residential: 5, commercial: 5 },
      },
      { code: 'vice', zh: '涉黄涉赌', weight: 30, severity: [0, 1, 15, 84], places: { commercial: 8, residential: 2 } },
      {
        code: 'crime_lead',
        zh: '违法犯罪线索',
        weight: 25,
        severity: [0, 1, 15, 84],
        places: { residential: 5, commercial: 5 },
      },
      {
        code: 'suspicious',
        zh: '可疑人员',
        weight: 25,
        severity: [0, 0, 5, 95],
        places: { residential: 5, commercial: 3, public: 2 },
        hours: NIGHT,
      },
    ],
  },
};

export const INCIDENT_CATEGORIES = Object.keys(INCIDENT_TYPES) as IncidentCategory[];

/** Chinese label of a `category.sub` code, e.g. `criminal.burglary` → 刑事/入室盗窃. */
export function incidentTypeLabel(subType: string): string | null {
  const [cat, sub] = subType.split('.') as [IncidentCategory, string];
  const spec = INCIDENT_TYPES[cat];
  const st = spec?.subTypes.find((s) => s.code === sub);
  return spec && st ? `${spec.zh}/${st.zh}` : null;
}

/** Hour profile shared by tests: true for the night window 20:00-03:59 local time. */
export function isNightHour(hour: number): boolean {
  return hour >= 20 || hour < 4;
}
