/**
 * Tiered approval over HTTP on a real database: the matrix (general → the receiving city, major → the province,
 * who may not decide), signing keys, signed decisions (valid, forged, other key, tampered payload, revoked key,
 * other user's key), separation of duties, reject → demands reopen, escalation after the deadline, emergency
 * issue-then-ratify, and re-verification of stored decisions (also after tampering with the stored payload).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import type { RoleCode } from '../../../contracts/roles.ts';
import { systemContext } from '../../context.ts';
import { query } from '../../db/client.ts';
import { APPROVAL_MATRIX, requiredTier, resolveMatrix } from './approval.matrix.ts';
import { escalateOverdue, openApprovals } from './approval.service.ts';
import { fixtureDemand, fixtureOfficer, fixturePlan, testSigner, type TestSigner } from './approval.testing.ts';

let t: TestApp;
let base = '';
const token: Record<string, string> = {};
const uid: Record<string, string> = {};
const signer: Record<string, TestSigner> = {};
const keyId: Record<string, string> = {};

async function as(name: string, role: RoleCode, jurisdictionId: string): Promise<void> {
  const u = await insertUser(t.database.db, { username: name.toLowerCase(), roles: [{ role, jurisdictionId }] });
  uid[name] = u.id;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: u.username, password: u.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  token[name] = res.json<{ accessToken: string }>().accessToken;
}

function call(who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: who ? { authorization: `Bearer ${token[who]}` } : {},
  });
}

const err = (res: { json: <T>() => T }) =>
  res.json<{ error: { code: string; details: Record<string, unknown> } }>().error;

interface ApprovalDto {
  id: string;
  planId: string;
  planStatus: string;
  tier: string;
  jurisdictionId: string;
  status: string;
  emergency: boolean;
  dueAt: string;
  escalatedFrom: string | null;
  canDecide: boolean;
  signed: boolean;
}

async function registerKey(who: string): Promise<void> {
  signer[who] = testSigner();
  const res = await call(who, 'POST', '/api/deployment/approver-keys', {
    publicKeySpki: signer[who].spki,
    algorithm: 'ECDSA-P256-SHA256',
  });
  expect(res.statusCode, res.body).toBe(201);
  keyId[who] = res.json<{ id: string }>().id;
}

/** A plan over new demands (level per demand), opened for approval as its submit would. */
async function submitted(
  demands: { jurisdictionId: string; level: number }[],
  opts: { planner?: string; emergency?: boolean; at?: Date } = {},
): Promise<{ planId: string; demandIds: string[]; approval: ApprovalDto }> {
  const db = t.database.db;
  const demandIds: string[] = [];
  for (const d of demands) demandIds.push(await fixtureDemand(db, d));
  // Fresh officers for every plan: an issued plan puts its officers on a live task.
  const officerIds = [await fixtureOfficer(db, '440104001'), await fixtureOfficer(db, '440104001')];
  const { planId } = await fixturePlan(db, { demandIds, createdBy: uid[opts.planner ?? 'planner']!, officerIds });
  const at = opts.at ?? new Date();
  const ctx = systemContext(db, t.app.auditSink, { now: () => at });
  const r = await openApprovals(ctx, planId, { emergency: opts.emergency });
  return { planId, demandIds, approval: r.approval as ApprovalDto };
}

async function payloadFor(who: string, approvalId: string, decision: 'approve' | 'reject' = 'approve') {
  const res = await call(who, 'GET', `/api/deployment/approvals/${approvalId}/payload?decision=${decision}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ payload: string }>().payload;
}

async function decide(
  who: string,
  approvalId: string,
  decision: 'approve' | 'reject' = 'approve',
  extra: { comment?: string } = {},
) {
  const payload = await payloadFor(who, approvalId, decision);
  return call(who, 'POST', `/api/deployment/approvals/${approvalId}/decide`, {
    decision,
    keyId: keyId[who],
    signature: signer[who]!.sign(payload),
    ...extra,
  });
}

async function planStatus(id: string): Promise<string> {
  const [r] = await query<{ status: string }>(t.database.db, sql`select status from deployment_plans where id = ${id}`);
  return r!.status;
}

async function assignmentStatuses(planId: string): Promise<string[]> {
  const rows = await query<{ status: string }>(
    t.database.db,
    sql`select status from deployment_assignments where plan_id = ${planId} order by id`,
  );
  return rows.map((r) => r.status);
}

async function demandStatuses(ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const [r] = await query<{ status: string }>(
      t.database.db,
      sql`select status from deployment_demands where id = ${id}`,
    );
    out.push(r!.status);
  }
  return out;
}

interface Frame {
  event?: string;
  data?: Record<string, unknown>;
}

/** Opens the live stream on the `deployment` topic and collects parsed frames. */
async function openStream(who: string) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/stream?topics=deployment`, {
    headers: { authorization: `Bearer ${token[who]}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const frames: Frame[] = [];
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const f: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) f.event = line.slice(7);
            else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6)) as Frame['data'];
          }
          frames.push(f);
        }
      }
    } catch {
      // aborted
    }
  })();
  const until = async (pred: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { frames, until, close: () => abort.abort() };
}

beforeAll(async () => {
  t = await createTestApp();
  await insertJurisdictions(t.database.db);
  await as('planner', 'county_duty_officer', '440103');
  await as('cityLeader', 'duty_leader', '4401');
  await as('cityPlanner', 'duty_leader', '4401');
  await as('otherCity', 'duty_leader', '4402');
  await as('province', 'provincial_commander', '44');
  await as('chief', 'station_chief', '440103');
  for (const who of ['cityLeader', 'cityPlanner', 'otherCity', 'province']) await registerKey(who);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the approval matrix', () => {
  it('sends general support (III–IV) to the city and major (I–II) to the province; a plan takes its worst level', () => {
    expect(requiredTier([4])).toBe('city');
    expect(requiredTier([3])).toBe('city');
    expect(requiredTier([2])).toBe('province');
    expect(requiredTier([4, 1])).toBe('province');
    expect(APPROVAL_MATRIX[4].action).toBe('deployment.approve_general');
    expect(APPROVAL_MATRIX[1].action).toBe('deployment.approve_major');
    expect(resolveMatrix({ 3: { tier: 'province' } })[3]).toMatchObject({ tier: 'province', dueMinutes: 30 });
    expect(() => requiredTier([])).toThrow();
  });

  it('opens a level IV plan for the receiving city and a level I plan for the province, each with its deadline', async () => {
    const at = new Date();
    const general = await submitted([{ jurisdictionId: '440103', level: 4 }], { at });
    expect(general.approval).toMatchObject({
      tier: 'city',
      jurisdictionId: '4401',
      status: 'pending',
      emergency: false,
    });
    expect(new Date(general.approval.dueAt).getTime() - at.getTime()).toBe(30 * 60_000);
    expect(await planStatus(general.planId)).toBe('pending_approval');

    const major = await submitted([{ jurisdictionId: '440103', level: 1 }], { at });
    expect(major.approval).toMatchObject({ tier: 'province', jurisdictionId: '44' });
    expect(new Date(major.approval.dueAt).getTime() - at.getTime()).toBe(15 * 60_000);
  });

  it('sends a general plan spanning two cities to the province', async () => {
    const r = await submitted([
      { jurisdictionId: '440103', level: 4 },
      { jurisdictionId: '440203', level: 3 },
    ]);
    expect(r.approval).toMatchObject({ tier: 'province', jurisdictionId: '44' });
  });

  it('refuses to open an approval twice for the same plan', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const ctx = systemContext(t.database.db, t.app.auditSink);
    await expect(openApprovals(ctx, r.planId)).rejects.toMatchObject({ code: 'APPROVAL_PLAN_NOT_PROPOSED' });
  });

  it('lets a city duty leader decide general plans of the city, but not major plans', async () => {
    const general = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const major = await submitted([{ jurisdictionId: '440103', level: 2 }]);
    const list = await call('cityLeader', 'GET', '/api/deployment/approvals?status=pending');
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: ApprovalDto[] }>().items;
    expect(items.find((a) => a.id === general.approval.id)?.canDecide).toBe(true);
    // The major plan is visible (it is about the leader's city) but not his to decide.
    expect(items.find((a) => a.id === major.approval.id)?.canDecide).toBe(false);

    const res = await decide('cityLeader', major.approval.id);
    expect(res.statusCode, res.body).toBe(403);
    expect(err(res)).toMatchObject({ code: 'FORBIDDEN', details: { action: 'deployment.approve_major' } });
    expect(await planStatus(major.planId)).toBe('pending_approval');
  });

  it('hides another city’s approvals from a city duty leader', async () => {
    const general = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const res = await call('otherCity', 'GET', `/api/deployment/approvals/${general.approval.id}/payload`);
    expect(res.statusCode).toBe(404);
    expect(err(res).code).toBe('APPROVAL_NOT_FOUND');
    const list = await call('otherCity', 'GET', '/api/deployment/approvals');
    expect(list.json<{ items: ApprovalDto[] }>().items.some((a) => a.id === general.approval.id)).toBe(false);
  });

  it('lets a station chief decide nothing, not even a general plan of his county', async () => {
    const general = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const key = await call('chief', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: testSigner().spki,
      algorithm: 'ECDSA-P256-SHA256',
    });
    expect(key.statusCode).toBe(403);
    const res = await call('chief', 'POST', `/api/deployment/approvals/${general.approval.id}/decide`, {
      decision: 'approve',
      keyId: keyId.cityLeader,
      signature: 'AAAA',
    });
    expect(res.statusCode).toBe(403);
    expect(err(res).code).toBe('FORBIDDEN');
  });
});

describe('signing keys', () => {
  it('refuses keys that are not base64 DER SPKI of the stated algorithm, and unknown fields', async () => {
    const bad = await call('cityLeader', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: Buffer.from('not a key').toString('base64'),
      algorithm: 'ECDSA-P256-SHA256',
    });
    expect(bad.statusCode).toBe(400);
    expect(err(bad)).toMatchObject({ code: 'APPROVER_KEY_INVALID', details: { reason: 'not_spki' } });

    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const wrongCurve = await call('cityLeader', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: p384.export({ format: 'der', type: 'spki' }).toString('base64'),
      algorithm: 'ECDSA-P256-SHA256',
    });
    expect(err(wrongCurve)).toMatchObject({ code: 'APPROVER_KEY_INVALID', details: { reason: 'not_p256' } });

    const extra = await call('cityLeader', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: testSigner().spki,
      algorithm: 'ECDSA-P256-SHA256',
      privateKey: 'x',
    });
    expect(extra.statusCode).toBe(400);
    expect(err(extra).code).toBe('UNKNOWN_FIELD');

    const mine = await call('cityLeader', 'GET', '/api/deployment/approver-keys');
    expect(mine.json<{ items: { id: string }[] }>().items.map((k) => k.id)).toEqual([keyId.cityLeader]);
  });
});

describe('Ed25519 keys', () => {
  it('registers an Ed25519 key and decides with it', async () => {
    await as('edLeader', 'duty_leader', '4401');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const reg = await call('edLeader', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      algorithm: 'Ed25519',
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const r = await submitted([{ jurisdictionId: '440103', level: 3 }]);
    const payload = await payloadFor('edLeader', r.approval.id);
    const res = await call('edLeader', 'POST', `/api/deployment/approvals/${r.approval.id}/decide`, {
      decision: 'approve',
      keyId: reg.json<{ id: string }>().id,
      signature: sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const v = await call('edLeader', 'GET', `/api/deployment/approvals/${r.approval.id}/verify`);
    expect(v.json<{ valid: boolean; algorithm: string }>()).toMatchObject({ valid: true, algorithm: 'Ed25519' });
    // An Ed25519 key offered as ECDSA is refused.
    const wrong = await call('edLeader', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      algorithm: 'ECDSA-P256-SHA256',
    });
    expect(err(wrong)).toMatchObject({ code: 'APPROVER_KEY_INVALID', details: { reason: 'not_p256' } });
  });
});

describe('signed decisions', () => {
  it('approves with a valid signature: approval approved and signed, plan approved, demands approved', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const payload = JSON.parse(await payloadFor('cityLeader', r.approval.id)) as Record<string, unknown>;
    expect(payload).toMatchObject({
      approvalId: r.approval.id,
      planId: r.planId,
      decision: 'approve',
      signerId: uid.cityLeader,
      level: 4,
      tier: 'city',
    });
    const planned = await query<{ officer_id: string }>(
      t.database.db,
      sql`select officer_id from deployment_assignments where plan_id = ${r.planId} order by officer_id`,
    );
    expect((payload.assignments as { officerId: string }[]).map((a) => a.officerId).sort()).toEqual(
      planned.map((p) => p.officer_id),
    );

    const res = await decide('cityLeader', r.approval.id, 'approve', { comment: '同意支援' });
    expect(res.statusCode, res.body).toBe(200);
    // Approval issues the plan: assignments ordered, demand executing.
    expect(res.json<ApprovalDto>()).toMatchObject({ status: 'approved', signed: true, planStatus: 'issued' });
    expect(await planStatus(r.planId)).toBe('issued');
    expect(await demandStatuses(r.demandIds)).toEqual(['executing']);
    expect(await assignmentStatuses(r.planId)).toEqual(['ordered', 'ordered']);

    const again = await decide('cityLeader', r.approval.id);
    expect(again.statusCode).toBe(409);
    expect(err(again)).toMatchObject({ code: 'APPROVAL_NOT_PENDING', details: { status: 'approved' } });
  });

  it('refuses forged, other-key, tampered-payload and wrong-decision signatures with APPROVAL_SIGNATURE_INVALID', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const url = `/api/deployment/approvals/${r.approval.id}/decide`;
    const payload = await payloadFor('cityLeader', r.approval.id);
    const tampered = JSON.parse(payload) as { assignments: { officerId: string }[] };
    tampered.assignments[0]!.officerId = 'someone-else';

    const attempts = {
      forged: Buffer.alloc(64, 7).toString('base64'),
      otherKey: testSigner().sign(payload),
      tamperedPayload: signer.cityLeader!.sign(JSON.stringify(tampered)),
      rejectSignatureForApprove: signer.cityLeader!.sign(await payloadFor('cityLeader', r.approval.id, 'reject')),
      derNotP1363: 'MEUCIQ' + 'A'.repeat(90),
    };
    for (const [name, signature] of Object.entries(attempts)) {
      const res = await call('cityLeader', 'POST', url, { decision: 'approve', keyId: keyId.cityLeader, signature });
      expect(res.statusCode, name).toBe(422);
      expect(err(res).code, name).toBe('APPROVAL_SIGNATURE_INVALID');
    }
    expect(await planStatus(r.planId)).toBe('pending_approval');

    // Someone else's key id is not the actor's key, whatever the signature.
    const foreign = await call('cityLeader', 'POST', url, {
      decision: 'approve',
      keyId: keyId.cityPlanner,
      signature: signer.cityPlanner!.sign(payload),
    });
    expect(foreign.statusCode).toBe(404);
    expect(err(foreign).code).toBe('APPROVER_KEY_NOT_FOUND');

    // The refusals are in the audit log, committed although the request failed.
    await t.app.auditLog.sequencer.sequenceNow();
    const denied = await query<{ n: string }>(
      t.database.db,
      sql`select count(*) as n from audit_entries where convert_from(entry, 'UTF8')::json->>'resourceId' = ${r.approval.id}
            and convert_from(entry, 'UTF8')::json->>'outcome' = 'denied'`,
    );
    expect(Number(denied[0]!.n)).toBe(Object.keys(attempts).length);
  });

  it('refuses a revoked key', async () => {
    await registerKey('cityLeader'); // a second key, revoked below
    const revoked = await call('cityLeader', 'POST', `/api/deployment/approver-keys/${keyId.cityLeader}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull();
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const res = await decide('cityLeader', r.approval.id);
    expect(res.statusCode).toBe(409);
    expect(err(res).code).toBe('APPROVER_KEY_REVOKED');
    await registerKey('cityLeader'); // a fresh key for the tests below
    expect((await decide('cityLeader', r.approval.id)).statusCode).toBe(200);
  });

  it('does not let the planner decide the approval of his own plan', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }], { planner: 'cityPlanner' });
    const list = await call('cityPlanner', 'GET', '/api/deployment/approvals?status=pending');
    expect(list.json<{ items: ApprovalDto[] }>().items.find((a) => a.id === r.approval.id)?.canDecide).toBe(false);
    const res = await decide('cityPlanner', r.approval.id);
    expect(res.statusCode).toBe(409);
    expect(err(res)).toMatchObject({ code: 'SEPARATION_OF_DUTIES', details: { reason: 'planner_cannot_decide' } });
    expect((await decide('cityLeader', r.approval.id)).statusCode).toBe(200);
  });

  it('rejects: plan rejected, its demands back to open', async () => {
    const r = await submitted([
      { jurisdictionId: '440103', level: 4 },
      { jurisdictionId: '440104', level: 3 },
    ]);
    const res = await decide('cityLeader', r.approval.id, 'reject', { comment: '警力不足' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ApprovalDto>()).toMatchObject({ status: 'rejected', planStatus: 'rejected' });
    expect(await planStatus(r.planId)).toBe('rejected');
    expect(await demandStatuses(r.demandIds)).toEqual(['open', 'open']);
  });
});

describe('live updates', () => {
  it('announces the decision on the deployment topic to the receiving side only, after commit', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const mine = await openStream('cityLeader');
    const other = await openStream('otherCity');
    try {
      expect((await decide('cityLeader', r.approval.id)).statusCode).toBe(200);
      const approved = (f: Frame) =>
        f.event === 'deployment.approval' && f.data?.approvalId === r.approval.id && f.data?.status === 'approved';
      await mine.until(() => mine.frames.some(approved));
      await mine.until(() =>
        mine.frames.some((f) => f.event === 'deployment.assignment' && f.data?.status === 'ordered'),
      );
      expect(mine.frames.some((f) => f.event === 'deployment.plan' && f.data?.planId === r.planId)).toBe(true);
      // A failed decision publishes nothing.
      const events = () => mine.frames.filter((f) => f.event?.startsWith('deployment.')).length;
      const before = events();
      expect((await decide('cityLeader', r.approval.id)).statusCode).toBe(409);
      await new Promise((res) => setTimeout(res, 200));
      expect(events()).toBe(before);
      expect(other.frames.some((f) => f.event?.startsWith('deployment.'))).toBe(false);
    } finally {
      mine.close();
      other.close();
    }
  });
});

describe('concurrent decisions', () => {
  it('lets exactly one of two approvers deciding at once win; the other gets APPROVAL_NOT_PENDING', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const [a, b] = await Promise.all([
      decide('cityLeader', r.approval.id, 'approve'),
      decide('cityPlanner', r.approval.id, 'reject'),
    ]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(err(loser).code).toBe('APPROVAL_NOT_PENDING');
    const winner = (a.statusCode === 200 ? a : b).json<ApprovalDto>();
    expect(await planStatus(r.planId)).toBe(winner.status === 'approved' ? 'issued' : 'rejected');
  });

  it('validates the list filter', async () => {
    const res = await call('cityLeader', 'GET', '/api/deployment/approvals?status=maybe');
    expect(res.statusCode).toBe(400);
    expect(err(res).code).toBe('VALIDATION_FAILED');
  });
});

describe('approval issues the plan', () => {
  it('refuses the whole decision when an officer was meanwhile put on another task, changing nothing', async () => {
    const first = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const officer = (
      await query<{ officer_id: string }>(
        t.database.db,
        sql`select officer_id from deployment_assignments where plan_id = ${first.planId} limit 1`,
      )
    )[0]!.officer_id;
    // A second plan names the same officer and is approved first.
    const demandId = await fixtureDemand(t.database.db, { jurisdictionId: '440104', level: 4 });
    const { planId } = await fixturePlan(t.database.db, {
      demandIds: [demandId],
      createdBy: uid.planner!,
      officerIds: [officer],
    });
    const second = await openApprovals(systemContext(t.database.db, t.app.auditSink), planId);
    expect((await decide('cityLeader', second.approval.id)).statusCode).toBe(200);

    const res = await decide('cityLeader', first.approval.id);
    expect(res.statusCode, res.body).toBe(409);
    expect(err(res).code).toBe('DEPLOYMENT_OFFICER_BUSY');
    const again = await call('cityLeader', 'GET', `/api/deployment/approvals/${first.approval.id}`);
    expect(again.json<ApprovalDto>()).toMatchObject({ status: 'pending', signed: false });
    expect(await planStatus(first.planId)).toBe('pending_approval');
    expect(await demandStatuses(first.demandIds)).toEqual(['planned']);
  });
});

describe('escalation', () => {
  it('escalates an overdue city approval to the province, audited, with a fresh deadline', async () => {
    const opened = new Date(Date.now() - 31 * 60_000);
    const r = await submitted([{ jurisdictionId: '440103', level: 3 }], { at: opened });
    const notYet = await submitted([{ jurisdictionId: '440103', level: 3 }]);

    const byCity = await call('cityLeader', 'POST', '/api/deployment/approvals/escalate');
    expect(byCity.statusCode).toBe(403);
    expect((await call(null, 'POST', '/api/deployment/approvals/escalate')).statusCode).toBe(401);

    const res = await call('province', 'POST', '/api/deployment/approvals/escalate');
    expect(res.statusCode, res.body).toBe(200);
    const escalated = res.json<{ escalated: { from: string; to: string }[] }>().escalated;
    const mine = escalated.find((e) => e.from === r.approval.id);
    expect(mine).toBeDefined();
    expect(escalated.some((e) => e.from === notYet.approval.id)).toBe(false);

    const old = await call('cityLeader', 'GET', `/api/deployment/approvals/${r.approval.id}`);
    expect(old.json<ApprovalDto>().status).toBe('escalated');
    const next = (await call('province', 'GET', `/api/deployment/approvals/${mine!.to}`)).json<ApprovalDto>();
    expect(next).toMatchObject({
      tier: 'province',
      jurisdictionId: '44',
      status: 'pending',
      escalatedFrom: r.approval.id,
    });
    expect(new Date(next.dueAt).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);

    // The city can no longer decide; the province can.
    const late = await decide('cityLeader', r.approval.id);
    expect(late.statusCode).toBe(409);
    expect(err(late).code).toBe('APPROVAL_NOT_PENDING');
    const ok = await decide('province', mine!.to);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await planStatus(r.planId)).toBe('issued');

    await t.app.auditLog.sequencer.sequenceNow();
    const audited = await query<{ action: string }>(
      t.database.db,
      sql`select convert_from(entry, 'UTF8')::json->>'action' as action from audit_entries
          where convert_from(entry, 'UTF8')::json->>'resourceId' = ${r.approval.id}`,
    );
    expect(audited.map((a) => a.action)).toContain('deployment.approval.escalate');
  });

  it('escalates an overdue province approval to the province again with a fresh deadline', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 1 }]);
    const later = new Date(Date.now() + 16 * 60_000);
    const out = await escalateOverdue(systemContext(t.database.db, t.app.auditSink, { now: () => later }));
    const mine = out.escalated.find((e) => e.from === r.approval.id)!;
    expect(mine).toBeDefined();
    expect(out.events.some((e) => e.type === 'deployment.approval' && e.data.approvalId === mine.to)).toBe(true);
    const next = (await call('province', 'GET', `/api/deployment/approvals/${mine.to}`)).json<ApprovalDto>();
    expect(next).toMatchObject({ tier: 'province', jurisdictionId: '44', status: 'pending' });
    expect(new Date(next.dueAt).getTime()).toBe(later.getTime() + 15 * 60_000);
    // Nothing is overdue any more at that time.
    const again = await escalateOverdue(systemContext(t.database.db, t.app.auditSink, { now: () => later }));
    expect(again.escalated.some((e) => e.from === mine.to || e.from === r.approval.id)).toBe(false);
  });
});

describe('emergency: act now, approve after', () => {
  it('issues a level I plan at once and keeps a flagged ratification that the province ratifies', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 1 }], { emergency: true });
    expect(r.approval).toMatchObject({ status: 'pending', emergency: true, tier: 'province' });
    expect(await planStatus(r.planId)).toBe('issued');
    expect(await assignmentStatuses(r.planId)).toEqual(['ordered', 'ordered']);
    expect(await demandStatuses(r.demandIds)).toEqual(['executing']);
    const list = await call('province', 'GET', '/api/deployment/approvals?status=pending');
    expect(list.json<{ items: ApprovalDto[] }>().items.find((a) => a.id === r.approval.id)).toMatchObject({
      emergency: true,
      canDecide: true,
    });
    const res = await decide('province', r.approval.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ApprovalDto>()).toMatchObject({ status: 'ratified', emergency: true, planStatus: 'issued' });
  });

  it('escalates an emergency ratification that sits too long', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 1 }], {
      emergency: true,
      at: new Date(Date.now() - 20 * 60_000),
    });
    const out = await escalateOverdue(systemContext(t.database.db, t.app.auditSink));
    const mine = out.escalated.find((e) => e.from === r.approval.id);
    expect(mine).toBeDefined();
    const next = (await call('province', 'GET', `/api/deployment/approvals/${mine!.to}`)).json<ApprovalDto>();
    expect(next).toMatchObject({ emergency: true, status: 'pending' });
  });

  it('records a refused ratification, flagged, and leaves the issued plan to the operators', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 1 }], { emergency: true });
    const res = await decide('province', r.approval.id, 'reject', { comment: '事后审查不同意' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<ApprovalDto>()).toMatchObject({ status: 'rejected', emergency: true, planStatus: 'issued' });
    expect(await demandStatuses(r.demandIds)).toEqual(['executing']);
  });

  it('refuses emergency for a plan without a level I demand', async () => {
    const db = t.database.db;
    const demandId = await fixtureDemand(db, { jurisdictionId: '440103', level: 2 });
    const { planId } = await fixturePlan(db, { demandIds: [demandId], createdBy: uid.planner!, officerIds: [] });
    await expect(openApprovals(systemContext(db, t.app.auditSink), planId, { emergency: true })).rejects.toMatchObject({
      code: 'APPROVAL_EMERGENCY_NOT_ALLOWED',
    });
    expect(await planStatus(planId)).toBe('proposed');
  });
});

describe('verification of stored decisions', () => {
  it('verifies a stored decision for any reader, and fails once the stored payload is altered', async () => {
    const r = await submitted([{ jurisdictionId: '440103', level: 4 }]);
    const pending = await call('chief', 'GET', `/api/deployment/approvals/${r.approval.id}/verify`);
    expect(pending.statusCode).toBe(409);
    expect(err(pending).code).toBe('APPROVAL_NOT_SIGNED');

    expect((await decide('cityLeader', r.approval.id)).statusCode).toBe(200);
    const ok = await call('chief', 'GET', `/api/deployment/approvals/${r.approval.id}/verify`);
    expect(ok.statusCode, ok.body).toBe(200);
    const body = ok.json<{ valid: boolean; algorithm: string; publicKeySpki: string; payload: string }>();
    expect(body).toMatchObject({ valid: true, algorithm: 'ECDSA-P256-SHA256', publicKeySpki: signer.cityLeader!.spki });
    expect(JSON.parse(body.payload)).toMatchObject({ approvalId: r.approval.id, decision: 'approve' });

    await t.database.db.execute(
      sql`update deployment_approvals set signed_payload = replace(signed_payload, '"level":4', '"level":1')
          where id = ${r.approval.id}`,
    );
    const bad = await call('chief', 'GET', `/api/deployment/approvals/${r.approval.id}/verify`);
    expect(bad.json<{ valid: boolean; checks: { signature: boolean } }>()).toMatchObject({
      valid: false,
      checks: { signature: false },
    });

    const outsider = await call('otherCity', 'GET', `/api/deployment/approvals/${r.approval.id}/verify`);
    expect(outsider.statusCode).toBe(404);
  });
});
