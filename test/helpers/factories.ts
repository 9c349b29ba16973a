/**
 * Test data factories: a small jurisdiction tree and users with scoped roles, written straight to the
 * database (no HTTP), so each test states only what matters to it.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { RoleCode } from '../../src/contracts/roles.ts';
import type { JurisdictionLevel } from '../../src/contracts/roles.ts';
import { query, type Executor } from '../../src/server/db/client.ts';
import { hashPassword } from '../../src/server/modules/auth/password.hasher.ts';

export interface JurisdictionSeed {
  id: string;
  parentId: string | null;
  level: JurisdictionLevel;
  name: string;
}

/**
 * A province with two cities; city A has two counties, each with a station, a community and a grid:
 *
 * 44 省 ─ 4401 市A ─ 440103 县A1 ─ 440103001 所 ─ 440103001001 社区 ─ 440103001001001 网格
 *       │          └ 440104 县A2 ─ 440104001 所 ─ 440104001001 社区 ─ 440104001001001 网格
 *       └ 4402 市B ─ 440203 县B1 ─ 440203001 所
 */
export const TREE: JurisdictionSeed[] = [
  { id: '44', parentId: null, level: 'province', name: '测试省' },
  { id: '4401', parentId: '44', level: 'city', name: '甲市' },
  { id: '440103', parentId: '4401', level: 'county', name: '甲一区' },
  { id: '440103001', parentId: '440103', level: 'station', name: '东门派出所' },
  { id: '440103001001', parentId: '440103001', level: 'community', name: '东门社区' },
  { id: '440103001001001', parentId: '440103001001', level: 'grid', name: '东门一网格' },
  { id: '440104', parentId: '4401', level: 'county', name: '甲二区' },
  { id: '440104001', parentId: '440104', level: 'station', name: '西湖派出所' },
  { id: '440104001001', parentId: '440104001', level: 'community', name: '西湖社区' },
  { id: '440104001001001', parentId: '440104001001', level: 'grid', name: '西湖一网格' },
  { id: '4402', parentId: '44', level: 'city', name: '乙市' },
  { id: '440203', parentId: '4402', level: 'county', name: '乙一县' },
  { id: '440203001', parentId: '440203', level: 'station', name: '南山派出所' },
];

/** Inserts jurisdictions (parents first), computing each path from its parent's. */
export async function insertJurisdictions(db: Executor, seeds: JurisdictionSeed[] = TREE): Promise<void> {
  const paths = new Map<string, string>();
  const existing = await query<{ id: string; path: string }>(db, sql`select id, path from jurisdictions`);
  for (const r of existing) paths.set(r.id, r.path);
  for (const j of seeds) {
    const path = `${j.parentId ? paths.get(j.parentId) : '/'}${j.id}/`;
    paths.set(j.id, path);
    await db.execute(
      sql`insert into jurisdictions (id, parent_id, level, name, path) values (${j.id}, ${j.parentId}, ${j.level}, ${j.name}, ${path})`,
    );
  }
}

export interface UserSeed {
  username?: string;
  password?: string;
  displayName?: string;
  homeJurisdictionId?: string | null;
  roles?: { role: RoleCode; jurisdictionId: string }[];
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
  status?: 'active' | 'disabled';
}

export interface CreatedUser {
  id: string;
  username: string;
  password: string;
}

let hashCache: { password: string; hash: string } | undefined;

/** Inserts a user with roles. The default password satisfies the password rules. */
export async function insertUser(db: Executor, seed: UserSeed = {}): Promise<CreatedUser> {
  const username = seed.username ?? `u${randomBytes(5).toString('hex')}`;
  const password = seed.password ?? 'Jingwu#2026pass';
  // argon2 is deliberately slow; reuse the hash of the default password across a test file.
  if (hashCache?.password !== password) hashCache = { password, hash: await hashPassword(password) };
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into users (username, display_name, home_jurisdiction_id, id_number, phone, address, password_hash, status)
        values (${username}, ${seed.displayName ?? username}, ${seed.homeJurisdictionId ?? seed.roles?.[0]?.jurisdictionId ?? null},
                ${seed.idNumber ?? null}, ${seed.phone ?? null}, ${seed.address ?? null}, ${hashCache.hash}, ${seed.status ?? 'active'})
        returning id`,
  );
  const id = row!.id;
  for (const r of seed.roles ?? []) {
    await db.execute(
      sql`insert into role_assignments (user_id, role, jurisdiction_id) values (${id}, ${r.role}, ${r.jurisdictionId})`,
    );
  }
  return { id, username, password };
}
