/**
 * Demo seed for a newcomer's first start: the fictional province 东川省 (code 91, unused by GB/T 2260) with
 * 江州市, its districts, stations, communities and grids (rectangular boundaries nested inside one another),
 * and one account per role. Deterministic: the same tree and accounts every time.
 *
 * The full generated city (roads, residents, incidents) replaces the tree part in issue #3.
 */
import { sql } from 'drizzle-orm';
import type { JurisdictionLevel } from '../contracts/roles.ts';
import { query, type Executor } from '../server/db/client.ts';
import { recordAudit, transaction, type RequestContext } from '../server/context.ts';
import { hashPassword } from '../server/modules/auth/password.hasher.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';

type BBox = [west: number, south: number, east: number, north: number];

export interface DemoJurisdiction {
  id: string;
  parentId: string | null;
  level: JurisdictionLevel;
  name: string;
  path: string;
  bbox: BBox;
}

const COUNTIES = ['江南区', '江北区', '青山县'];
const STATION_NAMES = ['东门', '西湖', '南山', '北塔', '临江', '白沙'];
const COMMUNITY_SUFFIX = ['花园社区', '新村社区'];

function split(b: BBox, parts: number, i: number, vertical: boolean): BBox {
  const [w, s, e, n] = b;
  if (vertical) {
    const h = (n - s) / parts;
    return [w, s + i * h, e, s + (i + 1) * h];
  }
  const wd = (e - w) / parts;
  return [w + i * wd, s, w + (i + 1) * wd, n];
}

/** Builds the demo jurisdiction tree (parents before children). */
export function demoJurisdictions(): DemoJurisdiction[] {
  const out: DemoJurisdiction[] = [];
  const add = (j: Omit<DemoJurisdiction, 'path'>): DemoJurisdiction => {
    const parent = out.find((p) => p.id === j.parentId);
    const full = { ...j, path: `${parent ? parent.path : '/'}${j.id}/` };
    out.push(full);
    return full;
  };
  const province = add({
    id: '91',
    parentId: null,
    level: 'province',
    name: '东川省',
    bbox: [112.8, 22.6, 113.9, 23.6],
  });
  const city = add({
    id: '9101',
    parentId: province.id,
    level: 'city',
    name: '江州市',
    bbox: [113.2, 23.0, 113.5, 23.24],
  });
  COUNTIES.forEach((name, ci) => {
    const county = add({
      id: `9101${String(ci + 2).padStart(2, '0')}`,
      parentId: city.id,
      level: 'county',
      name,
      bbox: split(city.bbox, COUNTIES.length, ci, false),
    });
    for (let si = 0; si < 2; si++) {
      const station = add({
        id: `${county.id}${String(si + 1).padStart(3, '0')}`,
        parentId: county.id,
        level: 'station',
        name: `${STATION_NAMES[ci * 2 + si]}派出所`,
        bbox: split(county.bbox, 2, si, true),
      });
      for (let mi = 0; mi < 2; mi++) {
        const community = add({
          id: `${station.id}${String(mi + 1).padStart(3, '0')}`,
          parentId: station.id,
          level: 'community',
          name: `${STATION_NAMES[ci * 2 + si]}${COMMUNITY_SUFFIX[mi]}`,
          bbox: split(station.bbox, 2, mi, false),
        });
        for (let gi = 0; gi < 2; gi++) {
          add({
            id: `${community.id}${String(gi + 1).padStart(3, '0')}`,
            parentId: community.id,
            level: 'grid',
            name: `${community.name}第${gi + 1}网格`,
            bbox: split(community.bbox, 2, gi, true),
          });
        }
      }
    }
  });
  return out;
}

function polygon([w, s, e, n]: BBox): object {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [r(w), r(s)],
        [r(e), r(s)],
        [r(e), r(n)],
        [r(w), r(n)],
        [r(w), r(s)],
      ],
    ],
  };
}

export interface DemoSeedResult {
  seeded: boolean;
  jurisdictions: number;
  users: number;
}

/** True when the demo province already exists. */
export async function isDemoSeeded(db: Executor): Promise<boolean> {
  const rows = await query<{ n: number }>(db, sql`select count(*)::int as n from jurisdictions where id = '91'`);
  return (rows[0]?.n ?? 0) > 0;
}

/** Seeds the demo tree and accounts once; does nothing when they exist. */
export async function seedDemo(ctx: RequestContext): Promise<DemoSeedResult> {
  if (await isDemoSeeded(ctx.db)) return { seeded: false, jurisdictions: 0, users: 0 };
  const tree = demoJurisdictions();
  const hash = await hashPassword(DEMO_PASSWORD);
  return transaction(ctx, async (tx) => {
    for (const j of tree) {
      await tx.db.execute(
        sql`insert into jurisdictions (id, parent_id, level, name, path, boundary)
            values (${j.id}, ${j.parentId}, ${j.level}, ${j.name}, ${j.path}, ${JSON.stringify(polygon(j.bbox))}::jsonb)`,
      );
    }
    const firstOf = (level: DemoJurisdiction['level']) => tree.find((j) => j.level === level)!.id;
    for (const a of DEMO_ACCOUNTS) {
      const jurisdictionId = firstOf(a.jurisdiction);
      const [user] = await query<{ id: string }>(
        tx.db,
        sql`insert into users (username, display_name, home_jurisdiction_id, password_hash)
            values (${a.username}, ${a.displayName}, ${jurisdictionId}, ${hash}) returning id`,
      );
      await tx.db.execute(
        sql`insert into role_assignments (user_id, role, jurisdiction_id) values (${user!.id}, ${a.role}, ${jurisdictionId})`,
      );
    }
    await recordAudit(tx, {
      action: 'demo.seed',
      resourceType: 'demo',
      resourceId: null,
      outcome: 'success',
      payload: { jurisdictions: tree.length, users: DEMO_ACCOUNTS.length },
    });
    return { seeded: true, jurisdictions: tree.length, users: DEMO_ACCOUNTS.length };
  });
}
