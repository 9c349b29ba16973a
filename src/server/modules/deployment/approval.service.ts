/**
 * Tiered approval of deployment plans (issue 5, item 5): opening approvals per the matrix, approvers' signing
 * keys, signed decisions (approve → the plan is issued; reject → its demands go back to open), re-verification of
 * stored decisions, and escalation of approvals that sit past their deadline (city → province; province → the
 * province again with a fresh deadline).
 *
 * Emergency plans (a level-I demand): "act now, approve after" — the plan is issued when submitted, and its
 * approval waits for ratification (status `ratified` when approved), flagged everywhere and escalating like any
 * other.
 *
 * Every change runs in one transaction with its audit entries; the returned events are published by the caller
 * after the commit.
 */
import { recordAudit, transaction, type Actor, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { can, type Resource } from '../policy/policy.ts';
import { executionEvents, type DeploymentEvent } from './approval.events.ts';
import {
  APPROVAL_MATRIX,
  EMERGENCY_MAX_LEVEL,
  matrixRowFor,
  type ApprovalMatrix,
  type ApprovalTier,
} from './approval.matrix.ts';
import {
  ancestorsOf,
  findApproval,
  findDemands,
  findKey,
  findPlan,
  insertApproval,
  insertKey,
  keysOfUser,
  listApprovalRows,
  lockOverdueApprovals,
  moveDemands,
  planAssignments,
  revokeKey,
  setPlanStatus,
  updateApproval,
  type ApprovalRow,
  type ApprovalStatus,
  type ApproverKeyRow,
  type DemandRow,
} from './approval.repository.ts';
import {
  PAYLOAD_FORMAT,
  parsePublicKey,
  payloadText,
  verifySignature,
  type ApprovalPayload,
  type Decision,
  type SignatureAlgorithm,
} from './approval.signature.ts';
import { demandResource } from './demand.service.ts';
import { issuePlan } from './execution.service.ts';

export interface ApprovalOptions {
  matrix?: ApprovalMatrix;
}

/** The API view of an approval. */
export interface ApprovalView {
  id: string;
  planId: string;
  planStatus: string;
  tier: ApprovalTier;
  jurisdictionId: string;
  status: ApprovalStatus;
  /** Most severe level among the plan's demands. */
  level: number;
  /** The policy action a decider needs over `jurisdictionId`. */
  action: string;
  demandIds: string[];
  /** The plan was issued at once (level I) and this approval ratifies it afterwards. */
  emergency: boolean;
  dueAt: string;
  overdue: boolean;
  escalatedFrom: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  keyId: string | null;
  signed: boolean;
  createdAt: string;
  /** Whether the asking actor may decide it now. */
  canDecide: boolean;
}

export interface ApproverKeyView {
  id: string;
  algorithm: SignatureAlgorithm;
  publicKeySpki: string;
  createdAt: string;
  revokedAt: string | null;
}

const iso = (d: Date | string): string => new Date(d).toISOString();

function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  return ctx.actor;
}

/** The policy resource an approver acts on: the approval's jurisdiction (the city or the province). */
function approvalResource(a: Pick<ApprovalRow, 'id' | 'jurisdiction_path'>): Resource {
  return { type: 'deployment_approval', id: a.id, jurisdictionPath: a.jurisdiction_path };
}

function keyView(k: ApproverKeyRow): ApproverKeyView {
  return {
    id: k.id,
    algorithm: k.algorithm,
    publicKeySpki: k.public_key_spki,
    createdAt: iso(k.created_at),
    revokedAt: k.revoked_at === null ? null : iso(k.revoked_at),
  };
}

/** Everything about one approval needed to present, authorise and sign it. */
interface Loaded {
  row: ApprovalRow;
  demands: DemandRow[];
  level: number;
  action: string;
}

function loaded(row: ApprovalRow, demands: DemandRow[], matrix: ApprovalMatrix): Loaded {
  const levels = demands.map((d) => d.level);
  const m = matrixRowFor(levels.length ? levels : [4], matrix);
  return { row, demands, level: Math.min(...levels, 4), action: m.action };
}

async function load(ctx: RequestContext, row: ApprovalRow, matrix: ApprovalMatrix): Promise<Loaded> {
  return loaded(row, await findDemands(ctx.db, row.demand_ids), matrix);
}

function mayRead(actor: Actor, l: Loaded, now: Date): boolean {
  return l.demands.some((d) => can(actor, 'deployment.read', demandResource(d), { now }));
}

function mayDecide(actor: Actor, l: Loaded, now: Date): boolean {
  return can(actor, l.action, approvalResource(l.row), { now });
}

function present(l: Loaded, now: Date, actor: Actor | null): ApprovalView {
  const r = l.row;
  return {
    id: r.id,
    planId: r.plan_id,
    planStatus: r.plan_status,
    tier: r.level,
    jurisdictionId: r.jurisdiction_id,
    status: r.status,
    level: l.level,
    action: l.action,
    demandIds: l.demands.map((d) => d.id),
    emergency: r.plan_emergency,
    dueAt: iso(r.due_at),
    overdue: r.status === 'pending' && new Date(r.due_at).getTime() <= now.getTime(),
    escalatedFrom: r.escalated_from,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at === null ? null : iso(r.decided_at),
    comment: r.comment,
    keyId: r.key_id,
    signed: r.signature !== null,
    createdAt: iso(r.created_at),
    canDecide:
      actor !== null && r.status === 'pending' && r.plan_created_by !== actor.userId && mayDecide(actor, l, now),
  };
}

/** Events for an approval, its plan and (optionally) demands, one per demand audience. */
function eventsFor(l: Loaded, view: ApprovalView, demandStatuses: Map<string, string>): DeploymentEvent[] {
  const out: DeploymentEvent[] = [];
  for (const d of l.demands) {
    const audience = { action: 'deployment.read' as const, resource: demandResource(d) };
    out.push({
      type: 'deployment.approval',
      data: {
        approvalId: view.id,
        planId: view.planId,
        status: view.status,
        tier: view.tier,
        emergency: view.emergency,
        dueAt: view.dueAt,
        demandIds: view.demandIds,
      },
      audience,
    });
    out.push({
      type: 'deployment.plan',
      data: { planId: view.planId, status: view.planStatus, demandId: d.id, emergency: view.emergency },
      audience,
    });
    const st = demandStatuses.get(d.id);
    if (st !== undefined) out.push({ type: 'deployment.demand', data: { demandId: d.id, status: st }, audience });
  }
  return out;
}

/**
 * The jurisdiction whose approvers decide: for the city tier, the city above the receiving region (the province
 * when the demands lie in several cities, or the region has no city above it); for the province tier, the
 * province.
 */
async function approvingJurisdiction(
  ctx: RequestContext,
  demands: readonly DemandRow[],
  tier: ApprovalTier,
): Promise<{ tier: ApprovalTier; jurisdictionId: string }> {
  const chains = await Promise.all(demands.map((d) => ancestorsOf(ctx.db, d.path)));
  const province = chains[0]?.find((j) => j.level === 'province') ?? chains[0]?.[0];
  if (!province) throw new Error('a demand has no jurisdiction chain');
  if (tier === 'city') {
    const cities = new Set(chains.map((c) => c.find((j) => j.level === 'city')?.id ?? null));
    const [city] = [...cities];
    if (cities.size === 1 && city) return { tier: 'city', jurisdictionId: city };
  }
  return { tier: 'province', jurisdictionId: province.id };
}

/**
 * Issues an approved (or emergency) plan through the execution module: assignments ordered, demands executing,
 * officers deployed. An officer meanwhile taken by another task refuses the whole decision
 * (DEPLOYMENT_OFFICER_BUSY): the plan must be re-planned.
 */
async function issueApprovedPlan(
  tx: RequestContext,
  planId: string,
  opts: { emergency: boolean },
): Promise<DeploymentEvent[]> {
  if (opts.emergency) await setPlanStatus(tx.db, planId, 'pending_approval', { emergency: true });
  else await setPlanStatus(tx.db, planId, 'approved');
  return executionEvents(await issuePlan(tx, planId));
}

/**
 * Opens the approval of a proposed plan per the matrix (called by the plan's submit, inside its transaction):
 * plan → pending_approval. With `emergency` (only when a demand is level I) the plan is issued at once and the
 * approval waits for ratification. Returns the approval and the events to publish after commit.
 */
export async function openApprovals(
  tx: RequestContext,
  planId: string,
  opts: ApprovalOptions & { emergency?: boolean } = {},
): Promise<{ approval: ApprovalView; events: DeploymentEvent[] }> {
  return transaction(tx, async (t) => {
    const matrix = opts.matrix ?? APPROVAL_MATRIX;
    const plan = await findPlan(t.db, planId, { forUpdate: true });
    if (!plan) throw new AppError('PLAN_NOT_FOUND', 'No such deployment plan; check the id.', { planId });
    if (plan.status !== 'proposed') {
      throw new AppError('APPROVAL_PLAN_NOT_PROPOSED', `Only a proposed plan can be submitted; it is ${plan.status}.`, {
        planId,
        status: plan.status,
      });
    }
    const demands = await findDemands(t.db, plan.demand_ids);
    if (demands.length === 0) throw new Error(`plan ${planId} has no demands`);
    const row = matrixRowFor(
      demands.map((d) => d.level),
      matrix,
    );
    const worst = Math.min(...demands.map((d) => d.level));
    const emergency = opts.emergency === true;
    if (emergency && worst > EMERGENCY_MAX_LEVEL) {
      throw new AppError(
        'APPROVAL_EMERGENCY_NOT_ALLOWED',
        'Act-now-approve-after is only for especially major (level I) demands; submit without emergency.',
        { planId, level: worst },
      );
    }
    const wanted: ApprovalTier = plan.required_approval === 'province' ? 'province' : row.tier;
    const where = await approvingJurisdiction(t, demands, wanted);
    const now = t.now();
    const id = await insertApproval(t.db, {
      planId,
      tier: where.tier,
      jurisdictionId: where.jurisdictionId,
      dueAt: new Date(now.getTime() + row.dueMinutes * 60_000),
      escalatedFrom: null,
      createdAt: now,
    });
    let issued: DeploymentEvent[] = [];
    if (emergency) issued = await issueApprovedPlan(t, planId, { emergency: true });
    else await setPlanStatus(t.db, planId, 'pending_approval');
    await recordAudit(t, {
      action: emergency ? 'deployment.approval.open_emergency' : 'deployment.approval.open',
      resourceType: 'deployment_approval',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: where.jurisdictionId,
      payload: { approvalId: id, planId, demandIds: plan.demand_ids, tier: where.tier, level: worst, emergency },
    });
    if (emergency) {
      await recordAudit(t, {
        action: 'deployment.plan.issue_emergency',
        resourceType: 'deployment_plan',
        resourceId: planId,
        outcome: 'success',
        jurisdictionId: demands[0]!.jurisdiction_id,
        payload: { planId, demandIds: plan.demand_ids, approvalId: id },
      });
    }
    const l = await load(t, (await findApproval(t.db, id))!, matrix);
    const view = present(l, now, t.actor);
    return { approval: view, events: [...eventsFor(l, view, new Map()), ...issued] };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Keys

/** Registers the actor's public key; only someone who may approve somewhere needs one. */
export async function registerKey(
  ctx: RequestContext,
  body: { publicKeySpki: string; algorithm: SignatureAlgorithm },
): Promise<ApproverKeyView> {
  const actor = requireActor(ctx);
  const approver = actor.assignments.some((a) =>
    ['deployment.approve_general', 'deployment.approve_major'].some((action) =>
      can(actor, action, { type: 'deployment_approval', jurisdictionPath: a.jurisdictionPath }),
    ),
  );
  if (!approver) {
    throw new AppError('FORBIDDEN', 'Only deployment approvers register signing keys.', {
      action: 'deployment.approve_general',
      resourceType: 'approver_key',
    });
  }
  const parsed = parsePublicKey(body.publicKeySpki, body.algorithm);
  if (!parsed.ok) {
    throw new AppError(
      'APPROVER_KEY_INVALID',
      `publicKeySpki is not a base64 DER SubjectPublicKeyInfo ${body.algorithm === 'Ed25519' ? 'Ed25519' : 'P-256'} key.`,
      { reason: parsed.reason, algorithm: body.algorithm },
    );
  }
  // Store the key as re-encoded DER, so equal keys look equal whatever padding the client sent.
  const spki = parsed.key.export({ format: 'der', type: 'spki' }).toString('base64');
  return transaction(ctx, async (tx) => {
    const k = await insertKey(tx.db, {
      userId: actor.userId,
      publicKeySpki: spki,
      algorithm: body.algorithm,
      createdAt: tx.now(),
    });
    await recordAudit(tx, {
      action: 'deployment.approver_key.register',
      resourceType: 'approver_key',
      resourceId: k.id,
      outcome: 'success',
      payload: { keyId: k.id, algorithm: body.algorithm, spki },
    });
    return keyView(k);
  });
}

/** The actor's keys. */
export async function myKeys(ctx: RequestContext): Promise<ApproverKeyView[]> {
  const actor = requireActor(ctx);
  return (await keysOfUser(ctx.db, actor.userId)).map(keyView);
}

/** Revokes one of the actor's keys (a lost or replaced browser); decisions signed before stay verifiable. */
export async function revokeMyKey(ctx: RequestContext, keyId: string): Promise<ApproverKeyView> {
  const actor = requireActor(ctx);
  return transaction(ctx, async (tx) => {
    const k = await findKey(tx.db, keyId);
    if (!k || k.user_id !== actor.userId) {
      throw new AppError('APPROVER_KEY_NOT_FOUND', 'No signing key of yours with that id; register one first.', {
        keyId,
      });
    }
    await revokeKey(tx.db, keyId, tx.now());
    await recordAudit(tx, {
      action: 'deployment.approver_key.revoke',
      resourceType: 'approver_key',
      resourceId: keyId,
      outcome: 'success',
      payload: { keyId },
    });
    return keyView((await findKey(tx.db, keyId))!);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

async function loadVisible(ctx: RequestContext, id: string, matrix: ApprovalMatrix, forUpdate = false) {
  const actor = requireActor(ctx);
  const row = await findApproval(ctx.db, id, { forUpdate });
  const l = row ? await load(ctx, row, matrix) : null;
  if (!l || !(mayRead(actor, l, ctx.now()) || mayDecide(actor, l, ctx.now()))) {
    throw new AppError('APPROVAL_NOT_FOUND', 'No such approval for you; check the id.', { id });
  }
  return { actor, l };
}

/** Approvals the actor may decide or see, newest first. */
export async function listApprovals(
  ctx: RequestContext,
  q: { status?: ApprovalStatus; limit?: number },
  opts: ApprovalOptions = {},
): Promise<ApprovalView[]> {
  const actor = requireActor(ctx);
  const matrix = opts.matrix ?? APPROVAL_MATRIX;
  const now = ctx.now();
  // Fetch a generous window and filter by policy: the deciding scope (a city or the province) is not a column
  // the SQL policy filter knows, and approvals are few.
  const rows = await listApprovalRows(ctx.db, { status: q.status, limit: 1000 });
  // One query for the demands of every listed approval.
  const demands = new Map(
    (await findDemands(ctx.db, [...new Set(rows.flatMap((r) => r.demand_ids))])).map((d) => [d.id, d]),
  );
  const out: ApprovalView[] = [];
  for (const row of rows) {
    const l = loaded(
      row,
      row.demand_ids.flatMap((id) => demands.get(id) ?? []).sort((a, b) => a.code.localeCompare(b.code)),
      matrix,
    );
    if (mayRead(actor, l, now) || mayDecide(actor, l, now)) out.push(present(l, now, actor));
    if (out.length >= (q.limit ?? 200)) break;
  }
  return out;
}

/** One approval the actor may see. */
export async function getApproval(ctx: RequestContext, id: string, opts: ApprovalOptions = {}): Promise<ApprovalView> {
  const { actor, l } = await loadVisible(ctx, id, opts.matrix ?? APPROVAL_MATRIX);
  return present(l, ctx.now(), actor);
}

async function buildPayload(
  ctx: RequestContext,
  l: Loaded,
  decision: Decision,
  signerId: string,
): Promise<ApprovalPayload> {
  const assignments = await planAssignments(ctx.db, l.row.plan_id);
  return {
    format: PAYLOAD_FORMAT,
    approvalId: l.row.id,
    planId: l.row.plan_id,
    tier: l.row.level,
    jurisdictionId: l.row.jurisdiction_id,
    level: l.level,
    emergency: l.row.plan_emergency,
    demands: l.demands.map((d) => ({ id: d.id, code: d.code, level: d.level, headcount: d.headcount })),
    assignments: assignments.map((a) => ({ demandId: a.demand_id, officerId: a.officer_id })),
    decision,
    signerId,
    issuedAt: iso(l.row.created_at),
  };
}

/** The canonical text the actor signs to take `decision` on the approval. */
export async function approvalPayload(
  ctx: RequestContext,
  id: string,
  decision: Decision,
  opts: ApprovalOptions = {},
): Promise<{ payload: string; decision: Decision; approvalId: string }> {
  const { actor, l } = await loadVisible(ctx, id, opts.matrix ?? APPROVAL_MATRIX);
  const payload = payloadText(await buildPayload(ctx, l, decision, actor.userId));
  return { payload, decision, approvalId: id };
}

// ---------------------------------------------------------------------------------------------------------------
// Deciding

export interface DecideBody {
  decision: Decision;
  comment?: string;
  keyId: string;
  signature: string;
}

/**
 * Decides an approval with a signature over its canonical payload. Approve → the plan is approved and issued
 * (an emergency plan's approval becomes `ratified`); reject → the plan is rejected and its demands reopen (an
 * emergency plan stays issued; the refusal is recorded and flagged). A bad signature is audited as denied.
 */
export async function decideApproval(
  ctx: RequestContext,
  id: string,
  body: DecideBody,
  opts: ApprovalOptions = {},
): Promise<{ approval: ApprovalView; events: DeploymentEvent[] }> {
  const matrix = opts.matrix ?? APPROVAL_MATRIX;
  const result = await transaction(ctx, async (tx) => {
    const { actor, l } = await loadVisible(tx, id, matrix, true);
    const now = tx.now();
    if (!mayDecide(actor, l, now)) {
      throw new AppError('FORBIDDEN', `Deciding this approval needs ${l.action} over its ${l.row.level}.`, {
        action: l.action,
        resourceType: 'deployment_approval',
        jurisdictionId: l.row.jurisdiction_id,
      });
    }
    if (l.row.status !== 'pending') {
      throw new AppError('APPROVAL_NOT_PENDING', `This approval is already ${l.row.status}.`, {
        id,
        status: l.row.status,
      });
    }
    const wantPlan = l.row.plan_emergency ? 'issued' : 'pending_approval';
    if (l.row.plan_status !== wantPlan) {
      throw new AppError('APPROVAL_NOT_PENDING', `The plan is ${l.row.plan_status}; there is nothing to decide.`, {
        id,
        status: l.row.status,
        planStatus: l.row.plan_status,
      });
    }
    if (l.row.plan_created_by === actor.userId) {
      throw new AppError('SEPARATION_OF_DUTIES', 'You drew up this plan; another approver must decide it.', {
        reason: 'planner_cannot_decide',
        planId: l.row.plan_id,
      });
    }
    const key = await findKey(tx.db, body.keyId);
    if (!key || key.user_id !== actor.userId) {
      throw new AppError('APPROVER_KEY_NOT_FOUND', 'No signing key of yours with that id; register one first.', {
        keyId: body.keyId,
      });
    }
    if (key.revoked_at !== null) {
      throw new AppError('APPROVER_KEY_REVOKED', 'That signing key was revoked; register a new key and sign again.', {
        keyId: key.id,
        revokedAt: iso(key.revoked_at),
      });
    }
    const text = payloadText(await buildPayload(tx, l, body.decision, actor.userId));
    if (!verifySignature(key.algorithm, key.public_key_spki, text, body.signature)) {
      return { kind: 'denied', l, keyId: key.id } as const;
    }

    const approve = body.decision === 'approve';
    const emergency = l.row.plan_emergency;
    const status: ApprovalStatus = approve ? (emergency ? 'ratified' : 'approved') : 'rejected';
    const demandIds = l.demands.map((d) => d.id);
    await updateApproval(tx.db, id, {
      status,
      decidedBy: actor.userId,
      decidedAt: now,
      comment: body.comment ?? null,
      signedPayload: text,
      signature: body.signature,
      keyId: key.id,
    });
    const auditBase = { outcome: 'success' as const, jurisdictionId: l.row.jurisdiction_id };
    const payload = { approvalId: id, planId: l.row.plan_id, demandIds, decision: body.decision, keyId: key.id };
    await recordAudit(tx, {
      ...auditBase,
      action: `deployment.approval.${status === 'ratified' ? 'ratify' : body.decision}`,
      resourceType: 'deployment_approval',
      resourceId: id,
      payload: {
        ...payload,
        signature: body.signature,
        comment: body.comment ?? null,
        // An emergency plan was issued already: refusing to ratify it is recorded (and flagged), not undone here.
        ratificationRefused: emergency && !approve,
      },
    });
    let issued: DeploymentEvent[] = [];
    const reopened = new Map<string, string>();
    if (!emergency) {
      await recordAudit(tx, {
        ...auditBase,
        action: approve ? 'deployment.plan.approve' : 'deployment.plan.reject',
        resourceType: 'deployment_plan',
        resourceId: l.row.plan_id,
        payload,
      });
      if (approve) {
        issued = await issueApprovedPlan(tx, l.row.plan_id, { emergency: false });
      } else {
        await setPlanStatus(tx.db, l.row.plan_id, 'rejected');
        for (const demandId of await moveDemands(tx.db, demandIds, ['planned', 'open'], 'open')) {
          reopened.set(demandId, 'open');
          await recordAudit(tx, {
            ...auditBase,
            action: 'deployment.demand.reopen',
            resourceType: 'deployment_demand',
            resourceId: demandId,
            payload: { demandId, planId: l.row.plan_id, approvalId: id },
          });
        }
      }
    }
    const after = await load(tx, (await findApproval(tx.db, id))!, matrix);
    const view = present(after, now, actor);
    return { kind: 'ok', approval: view, events: [...eventsFor(after, view, reopened), ...issued] } as const;
  });
  if (result.kind === 'denied') {
    const { l, keyId } = result;
    // The refusal is committed on its own, before answering: forged signatures leave a trace.
    await transaction(ctx, (tx) =>
      recordAudit(tx, {
        action: 'deployment.approval.decide',
        resourceType: 'deployment_approval',
        resourceId: id,
        outcome: 'denied',
        jurisdictionId: l.row.jurisdiction_id,
        payload: { approvalId: id, planId: l.row.plan_id, demandIds: l.row.demand_ids, keyId, reason: 'bad_signature' },
      }),
    );
    throw new AppError(
      'APPROVAL_SIGNATURE_INVALID',
      'The signature does not verify over this approval’s payload with that key; fetch the payload for your decision again and sign it.',
      { id, keyId },
    );
  }
  return { approval: result.approval, events: [...result.events] };
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

export interface VerifyView {
  valid: boolean;
  algorithm: SignatureAlgorithm;
  publicKeySpki: string;
  keyId: string;
  payload: string;
  signature: string;
  decidedBy: string;
  checks: { signature: boolean; approval: boolean; decision: boolean; signer: boolean };
}

/** Re-verifies a stored decision: signature over the stored payload, and that the payload names this decision. */
export async function verifyApproval(ctx: RequestContext, id: string, opts: ApprovalOptions = {}): Promise<VerifyView> {
  const { actor, l } = await loadVisible(ctx, id, opts.matrix ?? APPROVAL_MATRIX);
  if (!mayRead(actor, l, ctx.now())) {
    throw new AppError('FORBIDDEN', 'Verifying a decision needs deployment.read over the demand.', {
      action: 'deployment.read',
      resourceType: 'deployment',
    });
  }
  const r = l.row;
  const key = r.key_id ? await findKey(ctx.db, r.key_id) : null;
  if (r.signed_payload === null || r.signature === null || !key || r.decided_by === null) {
    throw new AppError('APPROVAL_NOT_SIGNED', `This approval is ${r.status} and carries no signed decision.`, {
      id,
      status: r.status,
    });
  }
  let parsed: Partial<ApprovalPayload>;
  try {
    const v: unknown = JSON.parse(r.signed_payload);
    parsed = typeof v === 'object' && v !== null ? (v as Partial<ApprovalPayload>) : {};
  } catch {
    parsed = {};
  }
  const wantDecision: Decision | null =
    r.status === 'approved' || r.status === 'ratified' ? 'approve' : r.status === 'rejected' ? 'reject' : null;
  const checks = {
    signature: verifySignature(key.algorithm, key.public_key_spki, r.signed_payload, r.signature),
    approval: parsed.approvalId === r.id && parsed.planId === r.plan_id,
    decision: wantDecision !== null && parsed.decision === wantDecision,
    signer: parsed.signerId === r.decided_by && key.user_id === r.decided_by,
  };
  return {
    valid: checks.signature && checks.approval && checks.decision && checks.signer,
    algorithm: key.algorithm,
    publicKeySpki: key.public_key_spki,
    keyId: key.id,
    payload: r.signed_payload,
    signature: r.signature,
    decidedBy: r.decided_by,
    checks,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Escalation

/**
 * Escalates every pending approval past its deadline at `ctx.now()`: it becomes `escalated` and a new pending
 * approval opens at the next tier (city → province; province → the province again) with a fresh deadline.
 * Safe to run on several instances at once (rows are locked, skipping those another instance holds).
 */
export async function escalateOverdue(
  ctx: RequestContext,
  opts: ApprovalOptions & { limit?: number } = {},
): Promise<{ escalated: { from: string; to: string }[]; events: DeploymentEvent[] }> {
  const matrix = opts.matrix ?? APPROVAL_MATRIX;
  return transaction(ctx, async (tx) => {
    const now = tx.now();
    const rows = await lockOverdueApprovals(tx.db, now, opts.limit ?? 100);
    const escalated: { from: string; to: string }[] = [];
    const events: DeploymentEvent[] = [];
    for (const row of rows) {
      const l = await load(tx, row, matrix);
      const chain = await ancestorsOf(tx.db, row.jurisdiction_path);
      const province = chain.find((j) => j.level === 'province') ?? chain[0]!;
      const m = matrixRowFor(l.demands.length ? l.demands.map((d) => d.level) : [4], matrix);
      await updateApproval(tx.db, row.id, { status: 'escalated' });
      const to = await insertApproval(tx.db, {
        planId: row.plan_id,
        tier: 'province',
        jurisdictionId: province.id,
        dueAt: new Date(now.getTime() + m.dueMinutes * 60_000),
        escalatedFrom: row.id,
        createdAt: now,
      });
      const payload = {
        approvalId: row.id,
        escalatedTo: to,
        planId: row.plan_id,
        demandIds: row.demand_ids,
        dueAt: iso(row.due_at),
        emergency: row.plan_emergency,
      };
      await recordAudit(tx, {
        action: 'deployment.approval.escalate',
        resourceType: 'deployment_approval',
        resourceId: row.id,
        outcome: 'success',
        jurisdictionId: row.jurisdiction_id,
        payload,
      });
      await recordAudit(tx, {
        action: 'deployment.approval.open',
        resourceType: 'deployment_approval',
        resourceId: to,
        outcome: 'success',
        jurisdictionId: province.id,
        payload: { approvalId: to, escalatedFrom: row.id, planId: row.plan_id, demandIds: row.demand_ids },
      });
      const before = await load(tx, (await findApproval(tx.db, row.id))!, matrix);
      events.push(...eventsFor(before, present(before, now, null), new Map()));
      const after = await load(tx, (await findApproval(tx.db, to))!, matrix);
      events.push(
        ...eventsFor(after, present(after, now, null), new Map()).filter((e) => e.type === 'deployment.approval'),
      );
      escalated.push({ from: row.id, to });
    }
    return { escalated, events };
  });
}
