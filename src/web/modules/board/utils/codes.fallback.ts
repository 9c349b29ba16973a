/**
 * The classification list as the server had it before GET /api/incidents/codes existed
 * (src/server/modules/incidents/incident.codes.ts); used only when that endpoint answers 404.
 */
import type { Codes } from '../api/board.api.ts';

const SUB: [string, string, number][] = [
  ['criminal.homicide', '命案', 1],
  ['criminal.robbery', '抢劫', 2],
  ['criminal.burglary', '入室盗窃', 3],
  ['criminal.theft', '盗窃', 4],
  ['criminal.fraud', '诈骗', 4],
  ['criminal.assault', '故意伤害', 3],
  ['criminal.kidnapping', '绑架', 1],
  ['public_order.fight', '打架斗殴', 3],
  ['public_order.gathering', '聚集滋事', 3],
  ['public_order.noise', '噪音扰民', 4],
  ['traffic.accident', '交通事故', 3],
  ['traffic.congestion', '交通拥堵', 4],
  ['traffic.drunk_driving', '酒驾', 3],
  ['fire.building', '建筑火灾', 2],
  ['fire.vehicle', '车辆火灾', 3],
  ['assistance.missing_person', '人员走失', 3],
  ['assistance.medical', '急病求助', 3],
  ['assistance.locked_out', '开锁求助', 4],
  ['dispute.neighbour', '邻里纠纷', 4],
  ['dispute.domestic', '家庭纠纷', 3],
  ['dispute.labour', '劳资纠纷', 4],
  ['report.clue', '线索举报', 4],
  ['report.drugs', '涉毒举报', 3],
];

export const FALLBACK_CODES: Codes = {
  categories: [
    { code: 'criminal', label: '刑事' },
    { code: 'public_order', label: '治安' },
    { code: 'traffic', label: '交通' },
    { code: 'fire', label: '火灾' },
    { code: 'assistance', label: '求助' },
    { code: 'dispute', label: '纠纷' },
    { code: 'report', label: '举报' },
  ],
  subTypes: SUB.map(([code, label, baseSeverity]) => ({ code, category: code.split('.')[0]!, label, baseSeverity })),
  dispositions: [],
  results: [],
};
