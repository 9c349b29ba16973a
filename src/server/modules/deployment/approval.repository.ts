/**
 * SQL of tiered approvals and approvers' signing keys. Knows nothing about HTTP or who asks; callers hold the
 * transaction and lock what they change.
 */
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import type { ApprovalTier } from './approval.matrix.ts';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'escalated' | 'ratified';

export interface ApprovalRow extends Record<string, unknown> {
  id: string;
  plan_id: string;
  level: ApprovalTier;
  jurisdiction_id: string;
  jurisdiction_path: string;
  due_at: Date;
  status: ApprovalStatus;
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
  signed_payload: string | null;
  signature: string | null;
  key_id: string | null;
  escalated_from: string | null;
  created_at: Date;
  plan_status: string;
  plan_emergency: boolean;
  plan_created_by: string;
  demand_ids: string[];
}

export interface PlanRow extends Record<string, unknown> {
  id: string;
  status: string;
  demand_ids: string[];
  required_approval: ApprovalTier;
  emergency: boolean;
  created_by: string;
  created_at: Date;
  issued_at: Date | null;
}

export interface DemandRow extends Record<string, unknown> {
  id: string;
  code: string;
  level: number;
  headcount: number;
  status: string;
  jurisdiction_id: string;
  /** The receiving region's materialised path. */
  path: string;
}

export interface AssignmentRow extends Record<string, unknown> {
  id: string;
  demand_id: string;
  officer_id: string;
  slot: string;
  status: string;
}

export interface JurisdictionRef extends Record<string, unknown> {
  id: string;
  level: string;
  path: string;
}

export interface ApproverKeyRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  public_key_spki: string;
  algorithm: 'ECDSA-P256-SHA256' | 'Ed25519';
  created_at: Date;
  revoked_at: Date | null;
}

/** `a, b, c` as bound parameters, for `in (…)`. */
function sqlList(values: readonly string[]) {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

const APPROVAL_COLUMNS = sql`a.id, a.plan_id, a.level, a.jurisdiction_id, j.path as jurisdiction_path, a.due_at, a.status,
  a.decided_by, a.decided_at, a.comment, a.signed_payload, a.signature, a.key_id, a.escalated_from, a.created_at,
  p.status as plan_status, p.emergency as plan_emergency, p.created_by as plan_created_by, p.demand_ids`;

const APPROVAL_FROM = sql`deployment_approvals a join jurisdictions j on j.id = a.jurisdiction_id
  join deployment_plans p on p.id = a.plan_id`;

/** A plan, locked for update when asked. */
export async function findPlan(ex: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<PlanRow | null> {
  const [r] = await query<PlanRow>(
    ex,
    sql`select id, status, demand_ids, required_approval, emergency, created_by, created_at, issued_at
        from deployment_plans where id = ${id} ${opts.forUpdate ? sql`for update` : sql``}`,
  );
  return r ?? null;
}

/** The demands with these ids, with their receiving region's path, by code. */
export async function findDemands(ex: Executor, ids: readonly string[]): Promise<DemandRow[]> {
  if (ids.length === 0) return [];
  return query<DemandRow>(
    ex,
    sql`select d.id, d.code, d.level, d.headcount, d.status, d.jurisdiction_id, j.path
        from deployment_demands d join jurisdictions j on j.id = d.jurisdiction_id
        where d.id in (${sqlList(ids)})
        order by code`,
  );
}

/** A plan's assignments (not cancelled), in a stable order. */
export async function planAssignments(ex: Executor, planId: string): Promise<AssignmentRow[]> {
  return query<AssignmentRow>(
    ex,
    sql`select id, demand_id, officer_id, slot, status from deployment_assignments
        where plan_id = ${planId} and status <> 'cancelled' order by demand_id, officer_id, id`,
  );
}

/** The ancestors of a jurisdiction, itself included, root first. */
export async function ancestorsOf(ex: Executor, jurisdictionPath: string): Promise<JurisdictionRef[]> {
  return query<JurisdictionRef>(
    ex,
    sql`select id, level, path from jurisdictions
        where ${jurisdictionPath} like path || '%' order by length(path)`,
  );
}

/** The path of one jurisdiction. */
export async function jurisdictionPath(ex: Executor, id: string): Promise<string | null> {
  const [r] = await query<{ path: string }>(ex, sql`select path from jurisdictions where id = ${id}`);
  return r?.path ?? null;
}

/** Inserts an approval and returns its id. */
export async function insertApproval(
  ex: Executor,
  a: {
    planId: string;
    tier: ApprovalTier;
    jurisdictionId: string;
    dueAt: Date;
    escalatedFrom: string | null;
    createdAt: Date;
  },
): Promise<string> {
  const [r] = await query<{ id: string }>(
    ex,
    sql`insert into deployment_approvals (plan_id, level, jurisdiction_id, due_at, status, escalated_from, created_at)
        values (${a.planId}, ${a.tier}, ${a.jurisdictionId}, ${a.dueAt.toISOString()}, 'pending', ${a.escalatedFrom},
                ${a.createdAt.toISOString()})
        returning id`,
  );
  return r!.id;
}

/** One approval with its plan's status and demands; locks the approval row when asked. */
export async function findApproval(
  ex: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ApprovalRow | null> {
  const [r] = await query<ApprovalRow>(
    ex,
    sql`select ${APPROVAL_COLUMNS} from ${APPROVAL_FROM} where a.id = ${id}
        ${opts.forUpdate ? sql`for update of a` : sql``}`,
  );
  return r ?? null;
}

/** Approvals of one plan, oldest first. */
export async function approvalsOfPlan(ex: Executor, planId: string): Promise<ApprovalRow[]> {
  return query<ApprovalRow>(
    ex,
    sql`select ${APPROVAL_COLUMNS} from ${APPROVAL_FROM} where a.plan_id = ${planId} order by a.created_at, a.id`,
  );
}

/** Approvals, newest first, optionally of one status. */
export async function listApprovalRows(
  ex: Executor,
  q: { status?: ApprovalStatus; limit: number },
): Promise<ApprovalRow[]> {
  return query<ApprovalRow>(
    ex,
    sql`select ${APPROVAL_COLUMNS} from ${APPROVAL_FROM}
        ${q.status ? sql`where a.status = ${q.status}` : sql``}
        order by a.created_at desc, a.id limit ${q.limit}`,
  );
}

/** Pending approvals whose deadline passed at `now`, locked (skipping rows another instance is handling). */
export async function lockOverdueApprovals(ex: Executor, now: Date, limit: number): Promise<ApprovalRow[]> {
  return query<ApprovalRow>(
    ex,
    sql`select ${APPROVAL_COLUMNS} from ${APPROVAL_FROM}
        where a.status = 'pending' and a.due_at <= ${now.toISOString()}
        order by a.due_at, a.id limit ${limit} for update of a skip locked`,
  );
}

/** Records a decision (or an escalation) on an approval. */
export async function updateApproval(
  ex: Executor,
  id: string,
  u: {
    status: ApprovalStatus;
    decidedBy?: string;
    decidedAt?: Date;
    comment?: string | null;
    signedPayload?: string;
    signature?: string;
    keyId?: string;
  },
): Promise<void> {
  await ex.execute(
    sql`update deployment_approvals set status = ${u.status},
          decided_by = coalesce(${u.decidedBy ?? null}::uuid, decided_by),
          decided_at = coalesce(${u.decidedAt?.toISOString() ?? null}::timestamptz, decided_at),
          comment = coalesce(${u.comment ?? null}, comment),
          signed_payload = coalesce(${u.signedPayload ?? null}, signed_payload),
          signature = coalesce(${u.signature ?? null}, signature),
          key_id = coalesce(${u.keyId ?? null}, key_id)
        where id = ${id}`,
  );
}

/** Sets a plan's status (and emergency flag / issue time when given). */
export async function setPlanStatus(
  ex: Executor,
  id: string,
  status: string,
  opts: { emergency?: boolean; issuedAt?: Date } = {},
): Promise<void> {
  await ex.execute(
    sql`update deployment_plans set status = ${status},
          emergency = coalesce(${opts.emergency ?? null}::boolean, emergency),
          issued_at = coalesce(${opts.issuedAt?.toISOString() ?? null}::timestamptz, issued_at)
        where id = ${id}`,
  );
}

/** Moves those of `ids` whose status is one of `from` to `to`; returns the ids moved. */
export async function moveDemands(
  ex: Executor,
  ids: readonly string[],
  from: readonly string[],
  to: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await query<{ id: string }>(
    ex,
    sql`update deployment_demands set status = ${to}
        where id in (${sqlList(ids)}) and status in (${sqlList(from)})
        returning id`,
  );
  return rows.map((r) => r.id);
}

/** Registers a public key for a user. */
export async function insertKey(
  ex: Executor,
  k: { userId: string; publicKeySpki: string; algorithm: ApproverKeyRow['algorithm']; createdAt: Date },
): Promise<ApproverKeyRow> {
  const [r] = await query<ApproverKeyRow>(
    ex,
    sql`insert into approver_keys (user_id, public_key_spki, algorithm, created_at)
        values (${k.userId}, ${k.publicKeySpki}, ${k.algorithm}, ${k.createdAt.toISOString()})
        returning id, user_id, public_key_spki, algorithm, created_at, revoked_at`,
  );
  return r!;
}

/** One key by id. */
export async function findKey(ex: Executor, id: string): Promise<ApproverKeyRow | null> {
  const [r] = await query<ApproverKeyRow>(
    ex,
    sql`select id, user_id, public_key_spki, algorithm, created_at, revoked_at from approver_keys where id = ${id}`,
  );
  return r ?? null;
}

/** A user's keys, newest first. */
export async function keysOfUser(ex: Executor, userId: string): Promise<ApproverKeyRow[]> {
  return query<ApproverKeyRow>(
    ex,
    sql`select id, user_id, public_key_spki, algorithm, created_at, revoked_at from approver_keys
        where user_id = ${userId} order by created_at desc, id`,
  );
}

/** Revokes a key (idempotent: keeps the first revocation time). */
export async function revokeKey(ex: Executor, id: string, at: Date): Promise<void> {
  await ex.execute(
    sql`update approver_keys set revoked_at = coalesce(revoked_at, ${at.toISOString()}::timestamptz) where id = ${id}`,
  );
}
