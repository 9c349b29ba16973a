/**
 * Shared set-up of the field-view browser test and screenshots: finds the unit whose crew the demo `patrol`
 * login is on (the seed puts it there; linked here only if a seed did not), brings that unit on duty, and
 * takes and dispatches calls through the HTTP API as the demo dispatcher.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts.ts';
import { query, type Executor } from '../../src/server/db/client.ts';

export interface FieldUnit {
  unitId: string;
  callSign: string;
  home: { lon: number; lat: number };
}

/** A JSON call to the running server; throws with the answer when the status is not the expected one. */
export async function api<T>(
  baseUrl: string,
  path: string,
  opts: { method?: string; token?: string; body?: unknown; key?: string; expect?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.key) headers['idempotency-key'] = opts.key;
  const res = await fetch(`${baseUrl}${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const expected = opts.expect ?? (res.ok ? res.status : 200);
  if (res.status !== expected) throw new Error(`${opts.method ?? 'GET'} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Signs a demo account in over the API; returns its access token. */
export async function tokenFor(baseUrl: string, username: string): Promise<string> {
  const grant = await api<{ accessToken: string }>(baseUrl, '/api/auth/login', {
    body: { username, password: DEMO_PASSWORD },
  });
  return grant.accessToken;
}

/**
 * Links the `patrol` login to a patrol officer of its station and that officer to one of the station's units
 * (unless the seed already did), and returns the unit. Only what the seed lacks is changed.
 */
export async function putPatrolOnCrew(db: Executor): Promise<FieldUnit> {
  const [existing] = await query<{ unit_id: string }>(
    db,
    sql`select o.unit_id from officers o join users u on u.id = o.user_id
         where u.username = 'patrol' and o.unit_id is not null and o.status = 'active'`,
  );
  let unitId = existing?.unit_id;
  if (!unitId) {
    const [station] = await query<{ jurisdiction_id: string; user_id: string }>(
      db,
      sql`select r.jurisdiction_id, u.id::text as user_id from users u join role_assignments r on r.user_id = u.id
           where u.username = 'patrol' and r.role = 'patrol_officer'`,
    );
    if (!station) throw new Error('the demo seed has no patrol account');
    const [unit] = await query<{ id: string }>(
      db,
      sql`select id from units where jurisdiction_id = ${station.jurisdiction_id} and type = 'patrol_car'
           order by call_sign limit 1`,
    );
    if (!unit) throw new Error(`no patrol car in the patrol account's station ${station.jurisdiction_id}`);
    const [officer] = await query<{ id: string }>(
      db,
      sql`select id from officers where jurisdiction_id = ${station.jurisdiction_id} and status = 'active'
           and user_id is null order by (unit_id = ${unit.id}) desc nulls last, police_number limit 1`,
    );
    if (!officer) throw new Error('no free officer record in the station');
    await query(
      db,
      sql`update officers set user_id = ${station.user_id}, unit_id = ${unit.id} where id = ${officer.id}`,
    );
    unitId = unit.id;
  }
  const [u] = await query<{ call_sign: string; home_lon: number; home_lat: number }>(
    db,
    sql`select call_sign, home_lon, home_lat from units where id = ${unitId}`,
  );
  return { unitId, callSign: u!.call_sign, home: { lon: u!.home_lon, lat: u!.home_lat } };
}

/** Brings the unit on duty (available) through the API, if it is not already. */
export async function bringOnDuty(baseUrl: string, token: string, unitId: string): Promise<void> {
  const { items } = await api<{ items: { id: string; status: string }[] }>(baseUrl, '/api/units', { token });
  const status = items.find((u) => u.id === unitId)?.status;
  if (status === 'available') return;
  if (status !== 'off_duty' && status !== 'busy' && status !== 'returning') {
    throw new Error(`unit ${unitId} is ${status}; cannot bring it on duty`);
  }
  await api(baseUrl, `/api/units/${unitId}/status`, { token, body: { status: 'available' } });
}

export interface TakenCall {
  incidentId: string;
  queryCode: string;
  address: string | null;
  description: string;
}

/** Takes a call near `at` as the dispatcher. */
export async function takeCall(
  baseUrl: string,
  token: string,
  at: { lon: number; lat: number },
  description: string,
): Promise<TakenCall> {
  const r = await api<{ incident: { id: string; queryCode: string; address: string | null } }>(
    baseUrl,
    '/api/incidents',
    {
      token,
      key: randomUUID(),
      expect: 201,
      body: {
        category: 'public_order',
        subType: 'public_order.fight',
        description,
        channel: 'phone',
        callerName: '王秀英',
        callerPhone: '13800138000',
        lon: at.lon,
        lat: at.lat,
      },
    },
  );
  return { incidentId: r.incident.id, queryCode: r.incident.queryCode, address: r.incident.address, description };
}

export interface OrderView {
  id: string;
  unitId: string;
  status: string;
}

/** Dispatches the unit to the incident (as an override: the test picks the unit, not the recommendation). */
export async function dispatchUnit(
  baseUrl: string,
  token: string,
  incidentId: string,
  unitId: string,
): Promise<OrderView> {
  const r = await api<{ orders: OrderView[] }>(baseUrl, `/api/incidents/${incidentId}/dispatch`, {
    token,
    key: randomUUID(),
    expect: 201,
    body: { unitIds: [unitId], overrideReason: '浏览器测试：指定巡逻单元' },
  });
  return r.orders[0]!;
}

/** The incident's orders as the server has them. */
export async function ordersOf(baseUrl: string, token: string, incidentId: string): Promise<OrderView[]> {
  return (await api<{ items: OrderView[] }>(baseUrl, `/api/incidents/${incidentId}/orders`, { token })).items;
}
