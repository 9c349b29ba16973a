import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import { recordAudit, systemContext } from '../../context.ts';
import { parseExportedCheckpoint } from './audit.checkpoint.ts';
import { verifyConsistency, verifyInclusion } from './audit.merkle.ts';

let t: TestApp;
let auditorToken: string;
let officerToken: string;
/** Size of an early checkpoint, signed before the nine test entries were appended. */
let earlySize: number;

const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

async function tokenFor(username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { accessToken: string }).accessToken;
}

function get(url: string, token?: string) {
  return t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

beforeAll(async () => {
  t = await createTestApp();
  await insertJurisdictions(t.database.db);
  const auditor = await insertUser(t.database.db, { roles: [{ role: 'auditor', jurisdictionId: '44' }] });
  const officer = await insertUser(t.database.db, { roles: [{ role: 'patrol_officer', jurisdictionId: '440103001' }] });
  auditorToken = await tokenFor(auditor.username, auditor.password);
  officerToken = await tokenFor(officer.username, officer.password);
  // Sign a checkpoint now, so one exists strictly before the latest whatever the sequencer's timing.
  await t.app.auditLog.sequencer.sequenceNow();
  earlySize = parseExportedCheckpoint((await get('/api/audit/checkpoints/latest', auditorToken)).body).checkpoint
    .treeSize;
  for (let i = 0; i < 9; i++) {
    await recordAudit(systemContext(t.database.db, t.app.auditSink), {
      action: 'test.route',
      resourceType: 'thing',
      resourceId: `r${i}`,
      outcome: 'success',
      payload: { secret: '110101199003074512' },
    });
  }
  await t.app.auditLog.sequencer.sequenceNow();
});
afterAll(async () => t?.close());

const ROUTES = [
  '/api/audit/checkpoints/latest',
  '/api/audit/checkpoints/1',
  '/api/audit/proofs/inclusion?index=0',
  '/api/audit/proofs/consistency?from=1',
  '/api/audit/entries',
];

describe('audit routes', () => {
  it.each(ROUTES)('%s answers 401 without a token', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it.each(ROUTES)('%s answers 403 to a patrol officer', async (url) => {
    const res = await get(url, officerToken);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('rejects malformed, unknown and injection-shaped parameters with stable codes', async () => {
    for (const [url, code] of [
      ['/api/audit/proofs/inclusion?index=abc', 'VALIDATION_FAILED'],
      ['/api/audit/proofs/inclusion?index=-1', 'VALIDATION_FAILED'],
      ['/api/audit/proofs/inclusion', 'VALIDATION_FAILED'],
      ['/api/audit/proofs/inclusion?index=1&evil=1', 'UNKNOWN_FIELD'],
      ["/api/audit/proofs/consistency?from=1';drop table audit_entries;--", 'VALIDATION_FAILED'],
      ['/api/audit/checkpoints/..%2F..%2Fetc%2Fpasswd', 'INVALID_ID'],
      ['/api/audit/entries?limit=100000', 'VALIDATION_FAILED'],
    ] as const) {
      const res = await get(url, auditorToken);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code } });
    }
  });

  it('serves a signed checkpoint, and inclusion and consistency proofs that verify against it', async () => {
    const cpRes = await get('/api/audit/checkpoints/latest', auditorToken);
    expect(cpRes.statusCode).toBe(200);
    const cp = parseExportedCheckpoint(cpRes.body).checkpoint; // checks the signature with the served key
    expect(cp.treeSize).toBeGreaterThanOrEqual(9);
    expect(cp.keyId).toBe(t.app.auditLog.keys.keyId);

    const inc = (await get(`/api/audit/proofs/inclusion?index=4&treeSize=${cp.treeSize}`, auditorToken)).json() as {
      leafHash: string;
      rootHash: string;
      proof: string[];
    };
    expect(inc.rootHash).toBe(cp.rootHash.toString('hex'));
    expect(verifyInclusion(unhex(inc.leafHash), 4, cp.treeSize, inc.proof.map(unhex), cp.rootHash)).toBe(true);

    const first = (await get(`/api/audit/checkpoints/${earlySize}`, auditorToken)).json() as { rootHash: string };
    const con = (await get(`/api/audit/proofs/consistency?from=${earlySize}`, auditorToken)).json() as {
      toSize: number;
      proof: string[];
    };
    expect(con.toSize).toBe(cp.treeSize);
    expect(verifyConsistency(earlySize, cp.treeSize, unhex(first.rootHash), cp.rootHash, con.proof.map(unhex))).toBe(
      true,
    );
  });

  it('lists entry metadata only, paged, never the payload', async () => {
    const res = await get('/api/audit/entries?from=0&limit=5', auditorToken);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { entries: Record<string, unknown>[]; nextFrom: number | null };
    expect(body.entries).toHaveLength(5);
    expect(body.nextFrom).toBe(5);
    expect(body.entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    expect(res.body).not.toContain('110101199003074512');
    expect(body.entries[0]).not.toHaveProperty('mac');
  });

  it('answers out-of-range requests with audit codes', async () => {
    const size = parseExportedCheckpoint((await get('/api/audit/checkpoints/latest', auditorToken)).body).checkpoint
      .treeSize;
    expect((await get(`/api/audit/proofs/inclusion?index=${size}`, auditorToken)).json()).toMatchObject({
      error: { code: 'AUDIT_ENTRY_NOT_FOUND' },
    });
    expect((await get(`/api/audit/proofs/inclusion?index=0&treeSize=${size + 50}`, auditorToken)).statusCode).toBe(400);
    expect((await get(`/api/audit/checkpoints/${size + 50}`, auditorToken)).json()).toMatchObject({
      error: { code: 'AUDIT_CHECKPOINT_NOT_FOUND' },
    });
  });
});
