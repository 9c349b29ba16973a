/**
 * The background escalation job: with DEPLOYMENT_ESCALATION_INTERVAL_MS set, an approval past its deadline is
 * escalated without anyone calling the endpoint, and the job stops when the app closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import { systemContext } from '../../context.ts';
import { query } from '../../db/client.ts';
import { openApprovals } from './approval.service.ts';
import { fixtureDemand, fixtureOfficer, fixturePlan } from './approval.testing.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ DEPLOYMENT_ESCALATION_INTERVAL_MS: '50' });
  await insertJurisdictions(t.database.db);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function statusesOfPlan(planId: string) {
  return query<{ status: string; level: string; escalated_from: string | null }>(
    t.database.db,
    sql`select status, level, escalated_from from deployment_approvals where plan_id = ${planId} order by created_at, id`,
  );
}

describe('the escalation job', () => {
  it('escalates an overdue approval in the background and leaves one that is not due alone', async () => {
    const db = t.database.db;
    const planner = await insertUser(db, { roles: [{ role: 'county_duty_officer', jurisdictionId: '440103' }] });
    const plans: string[] = [];
    for (const openedMinutesAgo of [45, 0]) {
      const demandId = await fixtureDemand(db, { jurisdictionId: '440103', level: 4 });
      const { planId } = await fixturePlan(db, {
        demandIds: [demandId],
        createdBy: planner.id,
        officerIds: [await fixtureOfficer(db, '440104001')],
      });
      const at = new Date(Date.now() - openedMinutesAgo * 60_000);
      await openApprovals(systemContext(db, t.app.auditSink, { now: () => at }), planId);
      plans.push(planId);
    }
    const deadline = Date.now() + 10_000;
    let overdue = await statusesOfPlan(plans[0]!);
    while (overdue.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      overdue = await statusesOfPlan(plans[0]!);
    }
    expect(overdue.map((a) => [a.status, a.level])).toEqual([
      ['escalated', 'city'],
      ['pending', 'province'],
    ]);
    expect(await statusesOfPlan(plans[1]!)).toMatchObject([{ status: 'pending', level: 'city' }]);
  });
});
