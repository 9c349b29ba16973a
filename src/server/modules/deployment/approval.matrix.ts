/**
 * The tiered-approval matrix (issue 5, item 5): which tier approves a plan of a given level, with which policy
 * action, and how long the approvers have before the approval escalates.
 *
 * Levels follow the national scale: 1 = I 特别重大, 2 = II 重大, 3 = III 较大, 4 = IV 一般. General support (III–IV)
 * is approved by the receiving region's city, major and especially major (I–II) by the province. A plan covering
 * several demands takes its most severe level; when its demands lie in more than one city the province decides.
 *
 * The table is a constant so it can be reviewed in one place; `resolveMatrix` lets tests and deployments
 * override individual rows without editing the code.
 */
import type { Action } from '../policy/policy.rules.ts';

export type ApprovalTier = 'city' | 'province';
export type DemandLevel = 1 | 2 | 3 | 4;

export interface MatrixRow {
  /** Whose approvers decide: the receiving region's city, or its province. */
  tier: ApprovalTier;
  /** The policy action the approver must hold over that jurisdiction. */
  action: Extract<Action, 'deployment.approve_general' | 'deployment.approve_major'>;
  /** Minutes before an undecided approval escalates. */
  dueMinutes: number;
}

export type ApprovalMatrix = Readonly<Record<DemandLevel, MatrixRow>>;

/** The default matrix. */
export const APPROVAL_MATRIX: ApprovalMatrix = {
  1: { tier: 'province', action: 'deployment.approve_major', dueMinutes: 15 },
  2: { tier: 'province', action: 'deployment.approve_major', dueMinutes: 15 },
  3: { tier: 'city', action: 'deployment.approve_general', dueMinutes: 30 },
  4: { tier: 'city', action: 'deployment.approve_general', dueMinutes: 30 },
};

/** Only especially-major events (level I) may be acted on first and approved after. */
export const EMERGENCY_MAX_LEVEL: DemandLevel = 1;

/** The matrix with some rows replaced (configuration, tests). */
export function resolveMatrix(overrides: Partial<Record<DemandLevel, Partial<MatrixRow>>> = {}): ApprovalMatrix {
  const out = { ...APPROVAL_MATRIX };
  for (const level of [1, 2, 3, 4] as const) {
    const o = overrides[level];
    if (o) out[level] = { ...out[level], ...o };
  }
  return out;
}

/** The matrix row of the most severe level among `levels` (lowest number); throws on an empty list. */
export function matrixRowFor(levels: readonly number[], matrix: ApprovalMatrix = APPROVAL_MATRIX): MatrixRow {
  if (levels.length === 0) throw new Error('a plan needs at least one demand');
  const worst = Math.min(...levels);
  if (worst < 1 || worst > 4 || !Number.isInteger(worst)) throw new Error(`demand level ${worst} is not 1-4`);
  return matrix[worst as DemandLevel];
}

/** The tier that approves a plan over demands of these levels (what `deployment_plans.required_approval` holds). */
export function requiredTier(levels: readonly number[], matrix: ApprovalMatrix = APPROVAL_MATRIX): ApprovalTier {
  return matrixRowFor(levels, matrix).tier;
}
