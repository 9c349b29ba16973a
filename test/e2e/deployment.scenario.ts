/**
 * The deployment board's end-to-end scenario, shared by the browser test and `npm run screenshots`: the county duty
 * officer raises a demand through the UI and plans it (plan on the map); the city duty leader, in a second
 * browser, approves with an e-signature made in the browser; officers given logins acknowledge and arrive over
 * the API; the county's board ticks the arrivals live. Throws (with what was expected) when a step fails.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { query, type Executor } from '../../src/server/db/client.ts';
import { insertUser } from '../helpers/factories.ts';
import { signInAs, waitForMap } from './browser.ts';
import { api, tokenFor } from './field.scenario.ts';

type Shot = (page: Page, name: string) => Promise<void>;

export interface DeploymentRun {
  demandId: string;
  planId: string;
  title: string;
  assigned: number;
  /** Arrived counts the county's board showed, in order (read from the page, without reloading it). */
  arrivedSeen: number[];
  signatureVerified: string;
  demandKeys: string[];
  /** The plan replaced by the what-if, and the difference line the board showed. */
  firstPlanId: string;
  whatIfDiff: string;
  approvalStatus: string;
  recordVerified: number;
  pageErrors: string[];
  close(): Promise<void>;
}

const SLOW = { timeout: 30_000 };

function watch(page: Page, who: string, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`${who}: ${m.text()}`);
  });
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (r.status() >= 400 && !path.startsWith('/api/geo/')) errors.push(`${who}: ${r.status()} ${path}`);
  });
}

/**
 * Signs in, retrying the page load: on this shared machine another session's `ensureWebBuilt` may be replacing
 * dist/web at that moment (the login page is briefly missing). A sign-in that fails three times fails the run.
 */
async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await signInAs(page, baseUrl, username);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.waitForTimeout(3_000);
    }
  }
}

/** Moves the page to the deployment section and waits for its map. */
async function openBoard(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#/deployment';
  });
  await page.locator('[data-testid=deployment]').waitFor(SLOW);
  await waitForMap(page);
}

/** Waits until the deployment map draws at least one route (plan or tracking). */
async function waitForLines(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const map = (
        globalThis as unknown as {
          __jingwuMap?: { getSource(id: string): { getData(): Promise<{ features: unknown[] }> } | undefined };
        }
      ).__jingwuMap;
      const data = await map?.getSource('dep-lines')?.getData();
      return (data?.features.length ?? 0) > 0;
    },
    undefined,
    SLOW,
  );
}

export async function runDeploymentScenario(
  browser: Browser,
  baseUrl: string,
  db: Executor,
  shot?: Shot,
): Promise<DeploymentRun> {
  const errors: string[] = [];
  const demandKeys: string[] = [];
  const countyToken = await tokenFor(baseUrl, 'county');
  const me = await api<{ assignments: { jurisdictionId: string }[] }>(baseUrl, '/api/auth/me', { token: countyToken });
  const county = me.assignments[0]!.jurisdictionId;
  // A standard address of the county: the demand's location through the geocoder.
  const [addr] = await query<{ label: string }>(
    db,
    sql`select a.district || a.street || a.building as label from addresses a join jurisdictions j on j.id = a.grid_id
         where j.path like ${`%/${county}/%`} order by md5(a.id::text) limit 1`,
  );
  if (!addr) throw new Error(`no address in county ${county}`);

  const countyCtx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const leaderCtx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const a = await countyCtx.newPage();
  const b = await leaderCtx.newPage();
  watch(a, 'county', errors);
  watch(b, 'dutyleader', errors);
  a.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/deployment/demands')
      demandKeys.push(r.headers()['idempotency-key'] ?? '');
  });

  // 1. The county raises a demand through the form: map pick, then the address search.
  await signIn(a, baseUrl, 'county');
  await openBoard(a);
  await a.locator('[data-testid=raise-demand]').click();
  const form = a.locator('[data-testid=demand-form]');
  await form.waitFor();
  await form.locator('[data-testid=pick-on-map]').click();
  const canvas = a.locator('.dep-map .maplibregl-canvas');
  const box = (await canvas.boundingBox())!;
  await a.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await a.waitForFunction(
    () =>
      /\d+\.\d+, \d+\.\d+/.test(
        (globalThis as unknown as { document: Document }).document.querySelector('[data-testid=picked]')?.textContent ??
          '',
      ),
    undefined,
    SLOW,
  );
  const title = `体育中心安保增援 ${Date.now() % 100000}`;
  await form.locator('input[name=title]').fill(title);
  await form.locator('input[name=address]').fill(addr.label);
  await form.locator('input[name=address]').press('Enter');
  await form.locator('input[name=meetingPoint]').waitFor();
  await a.waitForFunction(
    (label) =>
      (globalThis as unknown as { document: Document }).document.querySelector<HTMLInputElement>(
        'input[name=meetingPoint]',
      )?.value === label,
    addr.label,
    SLOW,
  );
  await form.locator('input[name=headcount]').fill('6');
  await form.locator('.dep-rows input[type=number]').first().fill('2');
  await form.locator('input[name=deadlineMin]').fill('60');
  await form.locator('input[name=durationMin]').fill('120');
  await form.locator('[data-testid=demand-submit]').click();
  const item = a.locator('[data-testid=demand]', { hasText: title });
  await item.waitFor(SLOW);
  const demandId = (await item.getAttribute('data-demand-id'))!;
  const demand = await api<{ status: string; lon: number; lat: number; source: string }>(
    baseUrl,
    `/api/deployment/demands/${demandId}`,
    { token: countyToken },
  );
  if (demand.status !== 'open' || demand.source !== 'manual') throw new Error(`demand is ${JSON.stringify(demand)}`);

  // 2. The county plans all open demands: assignments, shortfalls and routes on the map.
  await a.locator('[data-testid=plan-all]').click();
  const summary = a.locator('[data-testid=plan-summary]');
  await summary.waitFor({ timeout: 60_000 });
  const firstPlanId = (await summary.getAttribute('data-plan-id'))!;
  // What-if: take the first officer out and re-solve in place; the difference is shown and the plan replaced.
  const firstAssignment = a
    .locator('[data-testid=plan-demand]', { hasText: title })
    .locator('[data-testid=assignment]')
    .first();
  const removedName = ((await firstAssignment.locator('.dep-officer').textContent()) ?? '').trim();
  await firstAssignment.locator('[data-testid=whatif-remove]').click();
  await a.locator('[data-testid=whatif-resolve]').click();
  await a.locator('[data-testid=plan-diff]').waitFor(SLOW);
  const whatIfDiff = ((await a.locator('[data-testid=plan-diff]').textContent()) ?? '').trim();
  const planId = (await summary.getAttribute('data-plan-id'))!;
  if (planId === firstPlanId) throw new Error('the what-if did not replace the plan');
  const stillThere = await a
    .locator('[data-testid=plan-demand]', { hasText: title })
    .locator('[data-testid=assignment] .dep-officer', { hasText: removedName })
    .count();
  if (stillThere) throw new Error(`the removed officer ${removedName} is still in the plan`);
  const assigned = await a
    .locator('[data-testid=plan-demand]', { hasText: title })
    .locator('[data-testid=assignment]')
    .count();
  if (assigned < 1) throw new Error('the plan assigned nobody to the demand');
  await waitForLines(a);
  await waitForMap(a);
  if (shot) await shot(a, 'deployment-plan-zh');
  await a.locator('[data-testid=plan-submit]').click();
  await a.locator('[data-testid=plan-summary][data-status=pending_approval]').waitFor(SLOW);

  // 3. The city duty leader approves in a second browser: a key is made and registered, the payload signed.
  await signIn(b, baseUrl, 'dutyleader');
  await openBoard(b);
  await b.locator('[data-testid=tab-approval]').click();
  const approval = b.locator('[data-testid=approval][data-status=pending]', { hasText: title });
  await approval.waitFor(SLOW);
  // The plan waiting for the leader is drawn on the leader's map.
  await waitForLines(b);
  await waitForMap(b);
  await approval.locator('[data-testid=approval-open]').click();
  const dialog = b.locator('[data-testid=approval-dialog]');
  await dialog.waitFor();
  await dialog.locator('textarea[name=comment]').fill('同意跨区增援，按时到位。');
  if (shot) await shot(b, 'deployment-approval-zh');
  await dialog.locator('[data-testid=approve-sign]').click();
  const verified = dialog.locator('[data-testid=signature-verified]');
  await verified.waitFor(SLOW);
  const signatureVerified = (await verified.textContent()) ?? '';
  await dialog.getByRole('button', { name: /关闭/ }).click();
  const approvals = await api<{ items: { planId: string; status: string; signed: boolean }[] }>(
    baseUrl,
    '/api/deployment/approvals',
    { token: await tokenFor(baseUrl, 'dutyleader') },
  );
  const approvalStatus = approvals.items.find((x) => x.planId === planId)?.status ?? 'missing';

  // 4. Assigned officers get logins (the demo officers have none), acknowledge and arrive over the API.
  await a.locator('[data-testid=demand]', { hasText: title }).locator('.dep-demand-main').click();
  await a.locator('[data-testid=tab-tracking]').click();
  const count = a.locator('[data-testid=arrived-count]');
  await a.locator('[data-testid=arrived-count][data-arrived="0"]').waitFor(SLOW);
  const arrivedSeen: number[] = [0];
  const tracking = await api<{ items: { assignmentId: string; officer: { id: string } }[] }>(
    baseUrl,
    `/api/deployment/demands/${demandId}/tracking`,
    { token: countyToken },
  );
  const officers = tracking.items.slice(0, 2);
  for (const [i, item2] of officers.entries()) {
    const [o] = await query<{ station: string }>(
      db,
      sql`select jurisdiction_id as station from officers where id = ${item2.officer.id}`,
    );
    const u = await insertUser(db, { roles: [{ role: 'patrol_officer', jurisdictionId: o!.station }] });
    await db.execute(sql`update officers set user_id = ${u.id} where id = ${item2.officer.id}`);
    const login = await api<{ accessToken: string }>(baseUrl, '/api/auth/login', {
      body: { username: u.username, password: u.password },
    });
    const token = login.accessToken;
    const mine = await api<{ items: { id: string; status: string }[] }>(baseUrl, '/api/deployment/assignments/mine', {
      token,
    });
    const mineIds = mine.items.map((x) => x.id);
    if (!mineIds.includes(item2.assignmentId))
      throw new Error(`assignment ${item2.assignmentId} not in mine: ${mineIds}`);
    await api(baseUrl, `/api/deployment/assignments/${item2.assignmentId}/ack`, { method: 'POST', token });
    await api(baseUrl, `/api/deployment/assignments/${item2.assignmentId}/status`, {
      token,
      body: { status: 'en_route' },
    });
    await api(baseUrl, `/api/deployment/assignments/${item2.assignmentId}/status`, {
      token,
      body: { status: 'arrived' },
    });
    // The board ticks without a reload (realtime event, then the tracking refetch).
    await a.locator(`[data-testid=arrived-count][data-arrived="${i + 1}"]`).waitFor({ timeout: 20_000 });
    arrivedSeen.push(Number(await count.getAttribute('data-arrived')));
  }
  await waitForMap(a);
  if (shot) await shot(a, 'deployment-arrivals-zh');

  // 5. The record: every entry with its inclusion proof, verified.
  await a.locator('[data-testid=open-record]').click();
  await a.locator('[data-testid=record-entry]').first().waitFor(SLOW);
  const recordVerified = await a.locator('[data-testid=record-entry][data-status=verified]').count();
  await a.keyboard.press('Escape');

  // 6. The KPIs panel answers for the county; the same board on a 1920×1080 command desk.
  await a.locator('[data-testid=tab-kpi]').click();
  await a.locator('[data-testid=kpis] .dep-kpi').first().waitFor(SLOW);
  await a.locator('[data-testid=tab-tracking]').click();
  if (shot) {
    await a.setViewportSize({ width: 1920, height: 1080 });
    await waitForMap(a);
    await shot(a, 'deployment-desk-1920-zh');
  }

  return {
    demandId,
    planId,
    title,
    assigned,
    arrivedSeen,
    signatureVerified,
    demandKeys,
    firstPlanId,
    whatIfDiff,
    approvalStatus,
    recordVerified,
    pageErrors: errors,
    async close() {
      await countyCtx.close();
      await leaderCtx.close();
    },
  };
}
