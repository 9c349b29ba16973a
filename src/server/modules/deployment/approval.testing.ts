/**
 * Test support for approvals and the record: demands, plans and assignments written straight to the database
 * (the shapes the plan service stores), and approvers' key pairs made with node:crypto the way a browser makes
 * them with WebCrypto (P-256, IEEE P1363 signatures).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';

let seq = 0;

/** Inserts an officer at a station and returns its id. */
export async function fixtureOfficer(ex: Executor, jurisdictionId: string): Promise<string> {
  const n = ++seq;
  const id = `ap-officer-${process.pid}-${n}`;
  await ex.execute(
    sql`insert into officers (id, police_number, name, sex, birth_date, id_number, rank, post, jurisdiction_id)
        values (${id}, ${String(700000 + n)}, ${'支援警员' + n}, 'M', '1990-01-01', ${'APID' + n}, '一级警员', 'patrol',
                ${jurisdictionId})`,
  );
  return id;
}

/** Inserts a demand (status `planned` unless told) and returns its id. */
export async function fixtureDemand(
  ex: Executor,
  d: { jurisdictionId: string; level: number; headcount?: number; status?: string; createdBy?: string },
): Promise<string> {
  const n = ++seq;
  const [r] = await query<{ id: string }>(
    ex,
    sql`insert into deployment_demands (code, jurisdiction_id, type, level, title, lon, lat, headcount, deadline_at,
          expected_duration_min, status, source, created_by, created_at)
        values (${`TS-TEST-${process.pid}-${String(n).padStart(4, '0')}`}, ${d.jurisdictionId}, 'public_order', ${d.level},
                ${'测试需求' + n}, 113.3, 23.1, ${d.headcount ?? 2}, now() + interval '2 hours', 120,
                ${d.status ?? 'planned'}, 'manual', ${d.createdBy ?? null}, now())
        returning id`,
  );
  return r!.id;
}

/** Inserts a proposed plan over the demands with one assignment per officer (to the first demand). */
export async function fixturePlan(
  ex: Executor,
  p: { demandIds: string[]; createdBy: string; officerIds: string[]; requiredApproval?: 'city' | 'province' },
): Promise<{ planId: string; assignmentIds: string[] }> {
  const [r] = await query<{ id: string }>(
    ex,
    sql`insert into deployment_plans (status, demand_ids, required_approval, summary, created_by, created_at)
        values ('proposed', ${`{${p.demandIds.join(',')}}`}::text[], ${p.requiredApproval ?? 'city'}, '{}'::jsonb,
                ${p.createdBy}, now())
        returning id`,
  );
  const planId = r!.id;
  const assignmentIds: string[] = [];
  for (const officerId of p.officerIds) {
    const [a] = await query<{ id: string }>(
      ex,
      sql`insert into deployment_assignments (plan_id, demand_id, officer_id, slot, eta_sec, reason, status)
          values (${planId}, ${p.demandIds[0]!}, ${officerId}, 'general', 900, 'nearest eligible', 'proposed')
          returning id`,
    );
    assignmentIds.push(a!.id);
  }
  return { planId, assignmentIds };
}

/** An approver's key pair as a browser would make it, with helpers to register and sign. */
export interface TestSigner {
  privateKey: KeyObject;
  spki: string;
  sign(text: string): string;
}

/** A fresh P-256 key pair; `sign` gives base64 IEEE P1363 (r‖s), as WebCrypto's ECDSA does. */
export function testSigner(): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    sign: (text) =>
      sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64'),
  };
}
