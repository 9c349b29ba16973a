/**
 * The deployment board in Debian Chromium against the real server (demo city seeded): the county raises a demand
 * through the UI and plans it, the city duty leader approves it with a browser-made e-signature, officers
 * acknowledge and arrive, and the county's board ticks the arrivals live (no reload).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/env.ts';
import { runDeploymentScenario, type DeploymentRun } from './deployment.scenario.ts';
import { startHarness, type Harness } from './harness.ts';
import { api, tokenFor } from './field.scenario.ts';

const skip = skipWithoutChromium();
/** DEPLOY_SHOTS=<dir> saves the scenario's screenshots there (for a look while developing). */
const shotsDir = process.env.DEPLOY_SHOTS;

describe.skipIf(skip)('deployment board in Chromium', () => {
  let h: Harness;
  let baseUrl: string;
  let run: DeploymentRun;

  beforeAll(async () => {
    h = await startHarness();
    baseUrl = h.baseUrl;
    run = await runDeploymentScenario(
      h.browser,
      baseUrl,
      h.t.database.db,
      shotsDir ? async (page, name) => void (await page.screenshot({ path: `${shotsDir}/${name}.png` })) : undefined,
    );
  }, 400_000);

  afterAll(async () => {
    await run?.close();
    await h?.close();
  });

  it('the county raised the demand through the form with one Idempotency-Key', () => {
    expect(run.demandKeys).toHaveLength(1);
    expect(run.demandKeys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the plan assigned officers and the county submitted it', async () => {
    expect(run.assigned).toBeGreaterThan(0);
    const plan = await api<{ status: string; demandIds: string[] }>(baseUrl, `/api/deployment/plans/${run.planId}`, {
      token: await tokenFor(baseUrl, 'county'),
    });
    expect(plan.demandIds).toContain(run.demandId);
    expect(['approved', 'issued']).toContain(plan.status);
  });

  it('a what-if (one officer removed) re-solved in place, showed the difference and superseded the first plan', async () => {
    expect(run.firstPlanId).not.toBe(run.planId);
    expect(run.whatIfDiff).toContain('与上一方案相比');
    expect(run.whatIfDiff).toMatch(/移出 1 人/);
    const first = await api<{ status: string }>(baseUrl, `/api/deployment/plans/${run.firstPlanId}`, {
      token: await tokenFor(baseUrl, 'county'),
    });
    expect(first.status).toBe('superseded');
  });

  it('the duty leader approved with a signature the server verifies', async () => {
    expect(run.signatureVerified).toContain('✓');
    expect(run.approvalStatus).toBe('approved');
    const leader = await tokenFor(baseUrl, 'dutyleader');
    const approvals = await api<{ items: { id: string; planId: string; signed: boolean; keyId: string | null }[] }>(
      baseUrl,
      '/api/deployment/approvals',
      { token: leader },
    );
    const mine = approvals.items.find((x) => x.planId === run.planId)!;
    expect(mine.signed).toBe(true);
    const verify = await api<{ valid: boolean; algorithm: string; checks: Record<string, boolean> }>(
      baseUrl,
      `/api/deployment/approvals/${mine.id}/verify`,
      { token: leader },
    );
    expect(verify.valid).toBe(true);
    expect(verify.algorithm).toBe('ECDSA-P256-SHA256');
    // The key registered from the browser is the leader's: one active P-256 key.
    const keys = await api<{ items: { id: string; algorithm: string; revokedAt: string | null }[] }>(
      baseUrl,
      '/api/deployment/approver-keys',
      { token: leader },
    );
    expect(keys.items.filter((k) => k.revokedAt === null).map((k) => k.id)).toContain(mine.keyId);
  });

  it('the county cannot approve (planner, and no right over the city)', async () => {
    const county = await tokenFor(baseUrl, 'county');
    const list = await api<{ items: { planId: string; canDecide: boolean }[] }>(baseUrl, '/api/deployment/approvals', {
      token: county,
    });
    expect(list.items.filter((x) => x.planId === run.planId).every((x) => !x.canDecide)).toBe(true);
  });

  it('arrivals ticked on the board without a reload', async () => {
    expect(run.arrivedSeen.length).toBeGreaterThanOrEqual(2);
    expect(run.arrivedSeen).toEqual(run.arrivedSeen.map((_, i) => i));
    const tracking = await api<{ items: { arrived: boolean }[] }>(
      baseUrl,
      `/api/deployment/demands/${run.demandId}/tracking`,
      { token: await tokenFor(baseUrl, 'county') },
    );
    expect(tracking.items.filter((i) => i.arrived)).toHaveLength(run.arrivedSeen.length - 1);
  });

  it('the record shows verified entries with inclusion proofs', () => {
    expect(run.recordVerified).toBeGreaterThan(0);
  });

  it('no page errors or failed API calls', () => {
    expect(run.pageErrors).toEqual([]);
  });
});
