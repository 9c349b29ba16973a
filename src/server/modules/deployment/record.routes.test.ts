/**
 * A demand's record end to end on the small demo city, through the real endpoints: the county raises a demand,
 * plans and submits it, the city's duty leader approves it with a signature; the record lists every audit entry
 * about the demand, its plan and approval, each with an inclusion proof that verifies offline against the signed
 * checkpoint (and the checkpoint's own signature), while entries not yet sequenced show as pending. A reader
 * outside the receiving region gets DEMAND_NOT_FOUND.
 */
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertUser } from '../../../../test/helpers/factories.ts';
import { DEMO_PASSWORD } from '../../../demo/demo-accounts.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { recordAudit, systemContext, transaction } from '../../context.ts';
import { query } from '../../db/client.ts';
import { checkpointMessage } from '../audit/audit.checkpoint.ts';
import { verifyInclusion } from '../audit/audit.merkle.ts';
import { testSigner } from './approval.testing.ts';
import type { RecordEntry } from './record.service.ts';

let t: TestApp;
const token: Record<string, string> = {};

async function login(username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

function call(who: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: { authorization: `Bearer ${token[who]}` },
  });
}

interface DemandRecordDto {
  demandId: string;
  checkpoint: { treeSize: number; rootHash: string; timestamp: string; signature: string; publicKey: string } | null;
  checkpointValid: boolean | null;
  entries: RecordEntry[];
  counts: { verified: number; failed: number; pending: number };
}

let demandId = '';
let planId = '';
let approvalId = '';

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 5 });
  for (const u of ['county', 'dutyleader']) token[u] = await login(u, DEMO_PASSWORD);
  const [county] = await query<{ id: string; path: string }>(
    t.database.db,
    sql`select j.id, j.path from role_assignments r join users u on u.id = r.user_id
        join jurisdictions j on j.id = r.jurisdiction_id where u.username = 'county'`,
  );
  const [other] = await query<{ id: string }>(
    t.database.db,
    sql`select id from jurisdictions where level = 'county' and id <> ${county!.id} order by id limit 1`,
  );
  const outsider = await insertUser(t.database.db, {
    roles: [{ role: 'county_duty_officer', jurisdictionId: other!.id }],
  });
  token.outsider = await login(outsider.username, outsider.password);
  const [addr] = await query<{ lon: number; lat: number }>(
    t.database.db,
    sql`select a.lon, a.lat from addresses a join jurisdictions j on j.id = a.grid_id
        where j.path like ${`${county!.path}%`} order by a.id limit 1`,
  );

  const demand = await call('county', 'POST', '/api/deployment/demands', {
    jurisdictionId: county!.id,
    type: 'public_order',
    level: 4,
    title: '集市安保增援',
    lon: Number(addr!.lon),
    lat: Number(addr!.lat),
    headcount: 2,
    requiredSkills: [],
    requiredEquipment: [],
    deadlineAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    expectedDurationMin: 120,
  });
  expect(demand.statusCode, demand.body).toBe(201);
  demandId = demand.json<{ id: string }>().id;
  const plan = await call('county', 'POST', '/api/deployment/plans', { demandIds: [demandId] });
  expect(plan.statusCode, plan.body).toBe(201);
  planId = plan.json<{ id: string }>().id;
  const submitted = await call('county', 'POST', `/api/deployment/plans/${planId}/submit`, {});
  expect(submitted.statusCode, submitted.body).toBe(200);

  const signer = testSigner();
  const key = await call('dutyleader', 'POST', '/api/deployment/approver-keys', {
    publicKeySpki: signer.spki,
    algorithm: 'ECDSA-P256-SHA256',
  });
  expect(key.statusCode, key.body).toBe(201);
  const list = await call('dutyleader', 'GET', '/api/deployment/approvals?status=pending');
  const approval = list
    .json<{ items: { id: string; planId: string; canDecide: boolean }[] }>()
    .items.find((a) => a.planId === planId);
  expect(approval?.canDecide).toBe(true);
  approvalId = approval!.id;
  const payload = await call('dutyleader', 'GET', `/api/deployment/approvals/${approvalId}/payload?decision=approve`);
  const decided = await call('dutyleader', 'POST', `/api/deployment/approvals/${approvalId}/decide`, {
    decision: 'approve',
    keyId: key.json<{ id: string }>().id,
    signature: signer.sign(payload.json<{ payload: string }>().payload),
  });
  expect(decided.statusCode, decided.body).toBe(200);
}, 240_000);

afterAll(async () => {
  await t?.close();
});

describe('a demand’s record', () => {
  it('lists the demand’s, plan’s and approval’s entries with proofs that verify against the signed checkpoint', async () => {
    await t.app.auditLog.sequencer.sequenceNow();
    const res = await call('county', 'GET', `/api/deployment/demands/${demandId}/record`);
    expect(res.statusCode, res.body).toBe(200);
    const rec = res.json<DemandRecordDto>();
    expect(rec.checkpointValid).toBe(true);
    expect(rec.counts).toMatchObject({ failed: 0, pending: 0 });
    const byResource = rec.entries.map((e) => `${e.resourceType}:${e.action}`);
    expect(byResource).toEqual(
      expect.arrayContaining([
        'deployment_demand:deployment.demand.create',
        'deployment_plan:deployment.plan.propose',
        'deployment_approval:deployment.approval.open',
        'deployment_plan:deployment.plan.issue',
        'deployment_approval:deployment.approval.approve',
        'deployment_plan:deployment.plan.approve',
      ]),
    );
    expect(
      rec.entries.every(
        (e) => [demandId, planId, approvalId].includes(e.resourceId!) || e.resourceType === 'deployment_assignment',
      ),
    ).toBe(true);
    // Log order, no IP or request id.
    const indexes = rec.entries.map((e) => e.index!);
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    expect(JSON.stringify(rec)).not.toMatch(/"ip"|"requestId"/);

    // Offline: the checkpoint's Ed25519 signature, then every proof up to its root.
    const cp = rec.checkpoint!;
    const root = Buffer.from(cp.rootHash, 'hex');
    const signed = verify(
      null,
      checkpointMessage(cp.treeSize, root, new Date(cp.timestamp)),
      createPublicKey(cp.publicKey),
      Buffer.from(cp.signature, 'base64'),
    );
    expect(signed).toBe(true);
    for (const e of rec.entries) {
      expect(e.status).toBe('verified');
      const ok = verifyInclusion(
        Buffer.from(e.leafHash!, 'hex'),
        e.proof!.leafIndex,
        e.proof!.treeSize,
        e.proof!.hashes.map((h) => Buffer.from(h, 'hex')),
        root,
      );
      expect(ok, `${e.action} @${e.index}`).toBe(true);
      // A proof for another leaf does not verify.
      expect(
        verifyInclusion(
          Buffer.alloc(32, 1),
          e.proof!.leafIndex,
          e.proof!.treeSize,
          e.proof!.hashes.map((h) => Buffer.from(h, 'hex')),
          root,
        ),
      ).toBe(false);
    }
  });

  it('shows entries written since the last checkpoint as pending, then verified once sequenced', async () => {
    // Hold the background sequencer so the next entry stays queued.
    await t.app.auditLog.sequencer.stop();
    const ctx = systemContext(t.database.db, t.app.auditSink);
    await transaction(ctx, (tx) =>
      recordAudit(tx, {
        action: 'deployment.demand.note',
        resourceType: 'deployment_demand',
        resourceId: demandId,
        outcome: 'success',
        payload: { demandId },
      }),
    );
    const before = (await call('county', 'GET', `/api/deployment/demands/${demandId}/record`)).json<DemandRecordDto>();
    const pending = before.entries.filter((e) => e.status === 'pending');
    expect(pending.map((e) => e.action)).toEqual(['deployment.demand.note']);
    expect(pending[0]).toMatchObject({ index: null, proof: null, checks: null });

    await t.app.auditLog.sequencer.sequenceNow();
    const after = (await call('county', 'GET', `/api/deployment/demands/${demandId}/record`)).json<DemandRecordDto>();
    expect(after.counts).toEqual({ verified: before.entries.length, failed: 0, pending: 0 });
  });

  it('reads the resource id for the index from entry bytes, and garbage bytes as null instead of failing', async () => {
    const [r] = await query<{ good: string | null; bad: string | null }>(
      t.database.db,
      sql`select audit_entry_resource_id(convert_to('{"v":1,"resourceId":"abc"}', 'UTF8')) as good,
                 audit_entry_resource_id(decode('00ff7b', 'hex')) as bad`,
    );
    expect(r).toMatchObject({ good: 'abc', bad: null });
  });

  it('is not shown to a reader outside the receiving region', async () => {
    const res = await call('outsider', 'GET', `/api/deployment/demands/${demandId}/record`);
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('DEMAND_NOT_FOUND');
  });
});
