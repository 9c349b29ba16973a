/**
 * Grading (定级): severity I-IV and priority 1-5 from a declarative rules table. Each rule that matches the
 * call's facts escalates the severity by its `escalate` steps (towards I) and may mark a life/public-safety
 * threat; the result lists the rules that fired, so the call-taker sees why. Pure: no database, no clock.
 */
import { SUB_TYPES } from './incident.codes.ts';

/** The facts a call-taker records that grading looks at. */
export interface GradingFacts {
  subType: string;
  weapons?: boolean;
  injuries?: number;
  minorsInvolved?: boolean;
  crowdSize?: number;
  /** Earlier incidents at the same address within the repeat window (filled in by the service). */
  repeatCount?: number;
}

export interface GradingRule {
  id: string;
  /** Shown to the call-taker. */
  label: string;
  when: (f: GradingFacts) => boolean;
  escalate: number;
  lifeThreat?: boolean;
}

/** Days an address counts as a repeat address. */
export const REPEAT_WINDOW_DAYS = 30;

/** The rules, in the order they are reported. Edit here; tests read the same table. */
export const GRADING_RULES: readonly GradingRule[] = [
  { id: 'weapons', label: '涉及凶器/枪支', when: (f) => f.weapons === true, escalate: 1, lifeThreat: true },
  { id: 'injuries', label: '有人受伤', when: (f) => (f.injuries ?? 0) >= 1, escalate: 1, lifeThreat: true },
  { id: 'mass_injuries', label: '三人以上受伤', when: (f) => (f.injuries ?? 0) >= 3, escalate: 1 },
  { id: 'minors', label: '涉及未成年人', when: (f) => f.minorsInvolved === true, escalate: 1 },
  { id: 'crowd', label: '聚集人数≥10', when: (f) => (f.crowdSize ?? 0) >= 10, escalate: 1 },
  { id: 'large_crowd', label: '聚集人数≥50', when: (f) => (f.crowdSize ?? 0) >= 50, escalate: 1, lifeThreat: true },
  {
    id: 'repeat_address',
    label: `${REPEAT_WINDOW_DAYS}日内同址重复报警`,
    when: (f) => (f.repeatCount ?? 0) >= 2,
    escalate: 1,
  },
];

export interface Grade {
  severity: 1 | 2 | 3 | 4;
  /** 1 = handle first … 5 = can wait. */
  priority: 1 | 2 | 3 | 4 | 5;
  lifeThreat: boolean;
  /** Ids of the rules that fired. */
  rules: string[];
}

function clampSeverity(n: number): 1 | 2 | 3 | 4 {
  return Math.min(4, Math.max(1, n)) as 1 | 2 | 3 | 4;
}

/** Priority follows severity, one step more urgent for a threat to life. */
export function priorityFor(severity: number, lifeThreat: boolean): 1 | 2 | 3 | 4 | 5 {
  return Math.min(5, Math.max(1, severity + 1 - (lifeThreat ? 1 : 0))) as 1 | 2 | 3 | 4 | 5;
}

/** Grades a call by the rules table; unknown sub-types start at IV. */
export function grade(facts: GradingFacts, rules: readonly GradingRule[] = GRADING_RULES): Grade {
  const def = SUB_TYPES[facts.subType];
  let severity: number = def?.baseSeverity ?? 4;
  let lifeThreat = def?.lifeThreat ?? false;
  const fired: string[] = [];
  for (const r of rules) {
    if (!r.when(facts)) continue;
    fired.push(r.id);
    severity -= r.escalate;
    if (r.lifeThreat) lifeThreat = true;
  }
  const s = clampSeverity(severity);
  return { severity: s, priority: priorityFor(s, lifeThreat), lifeThreat, rules: fired };
}
