import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import type { RequestContext } from '../../context.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import { contextFor, recordingSink } from '../users/user.testing.ts';
import {
  createJurisdiction,
  getChildren,
  getJurisdiction,
  getTree,
  moveJurisdiction,
  updateJurisdictionDetails,
  type JurisdictionNode,
} from './jurisdiction.service.ts';

const square = (w: number, s: number, d = 0.1) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [w, s],
      [w + d, s],
      [w + d, s + d],
      [w, s + d],
      [w, s],
    ],
  ],
});

function flatten(nodes: JurisdictionNode[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (n: JurisdictionNode) => {
    out[n.jurisdiction.id] = n.access;
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toMatchObject({ code });
}

describe('jurisdiction service', () => {
  let database: TestDatabase;
  const sink = recordingSink();
  let county: RequestContext; // county duty officer of 440103
  let admin: RequestContext; // system admin of the province
  let grid: RequestContext; // grid worker of 440103001001001
  const count = async () =>
    Number((await query<{ n: string }>(database.db, sql`select count(*) as n from jurisdictions`))[0]!.n);

  beforeAll(async () => {
    database = await createTestDatabase();
    await insertJurisdictions(database.db);
    const c = await insertUser(database.db, { roles: [{ role: 'county_duty_officer', jurisdictionId: '440103' }] });
    const a = await insertUser(database.db, { roles: [{ role: 'system_admin', jurisdictionId: '44' }] });
    const g = await insertUser(database.db, { roles: [{ role: 'grid_worker', jurisdictionId: '440103001001001' }] });
    county = await contextFor(database, sink, c.id);
    admin = await contextFor(database, sink, a.id);
    grid = await contextFor(database, sink, g.id);
  });
  afterAll(async () => database?.close());

  describe('reads filtered by scope', () => {
    it('shows a county officer his county subtree in full and its ancestors by name only', async () => {
      const tree = await getTree(county);
      expect(flatten(tree)).toEqual({
        '44': 'name_only',
        '4401': 'name_only',
        '440103': 'full',
        '440103001': 'full',
        '440103001001': 'full',
        '440103001001001': 'full',
      });
      expect(tree).toHaveLength(1);
      expect(tree[0]!.jurisdiction.id).toBe('44');
    });

    it('shows the system admin the whole tree', async () => {
      const all = flatten(await getTree(admin));
      expect(Object.keys(all)).toHaveLength(13);
      expect(Object.values(all).every((a) => a === 'full')).toBe(true);
    });

    it('limits a subtree by depth and refuses subtrees outside the scope', async () => {
      expect(flatten(await getTree(county, { rootId: '440103', depth: 1 }))).toEqual({
        '440103': 'full',
        '440103001': 'full',
      });
      expect(flatten(await getTree(county, { rootId: '440103', depth: 0 }))).toEqual({ '440103': 'full' });
      expect(flatten(await getTree(county, { rootId: '4401', depth: 1 }))).toEqual({
        '4401': 'name_only',
        '440103': 'full',
      });
      await expectCode(getTree(county, { rootId: '440104' }), 'JURISDICTION_NOT_FOUND');
      await expectCode(getTree(county, { rootId: '999999' }), 'JURISDICTION_NOT_FOUND');
    });

    it('returns one jurisdiction with its ancestors chain, and ancestors by name only', async () => {
      const d = await getJurisdiction(county, '440103001001');
      expect(d.access).toBe('full');
      expect(d.ancestors.map((a) => a.id)).toEqual(['44', '4401', '440103', '440103001']);
      expect(d.ancestors[0]).toEqual({ id: '44', name: '测试省', level: 'province' });
      const up = await getJurisdiction(county, '4401');
      expect(up.access).toBe('name_only');
      await expectCode(getJurisdiction(county, '440104001'), 'JURISDICTION_NOT_FOUND');
      expect((await getJurisdiction(grid, '440103001')).access).toBe('name_only');
      expect((await getJurisdiction(grid, '440103001')).jurisdiction.boundary).toBeNull();
      await expectCode(getJurisdiction(grid, '440104001001'), 'JURISDICTION_NOT_FOUND');
    });

    it('lists only visible children', async () => {
      expect((await getChildren(county, '4401')).map((n) => [n.jurisdiction.id, n.access])).toEqual([
        ['440103', 'full'],
      ]);
      expect((await getChildren(admin, '4401')).map((n) => n.jurisdiction.id)).toEqual(['440103', '440104']);
      await expectCode(getChildren(county, '4402'), 'JURISDICTION_NOT_FOUND');
    });

    it('requires an authenticated actor', async () => {
      await expectCode(getTree({ ...county, actor: null }), 'UNAUTHENTICATED');
    });
  });

  describe('create', () => {
    it('creates a station with a boundary under a county, audited', async () => {
      const d = await createJurisdiction(admin, {
        id: '440104002',
        parentId: '440104',
        level: 'station',
        name: '北塔派出所',
        boundary: square(113.3, 23.1),
      });
      expect(d.jurisdiction.path).toBe('/44/4401/440104/440104002/');
      expect(d.jurisdiction.boundary?.type).toBe('Polygon');
      expect(d.ancestors.map((a) => a.id)).toEqual(['44', '4401', '440104']);
      expect(sink.entries.at(-1)).toMatchObject({ action: 'jurisdiction.create', resourceId: '440104002' });
    });

    it('lets a root-level system admin create a province, with a MultiPolygon', async () => {
      const d = await createJurisdiction(admin, {
        id: '45',
        parentId: null,
        level: 'province',
        name: '邻省',
        boundary: { type: 'MultiPolygon', coordinates: [square(108, 22).coordinates, square(109, 23).coordinates] },
      });
      expect(d.jurisdiction.path).toBe('/45/');
    });

    it('rejects bad levels, codes, geometry, duplicates and outsiders, writing nothing', async () => {
      const before = await count();
      const base = { id: '440104003', parentId: '440104', level: 'station' as const, name: 'x' };
      await expectCode(createJurisdiction(admin, { ...base, level: 'community' }), 'JURISDICTION_HIERARCHY');
      await expectCode(createJurisdiction(admin, { ...base, id: '440103003' }), 'JURISDICTION_HIERARCHY');
      await expectCode(createJurisdiction(admin, { ...base, id: '4401040031' }), 'JURISDICTION_HIERARCHY');
      await expectCode(createJurisdiction(admin, { ...base, id: '440104002' }), 'JURISDICTION_EXISTS');
      await expectCode(createJurisdiction(admin, { ...base, parentId: '440199' }), 'JURISDICTION_NOT_FOUND');
      await expectCode(createJurisdiction(county, { ...base }), 'JURISDICTION_NOT_FOUND');
      await expectCode(createJurisdiction(county, { ...base, id: '440103003', parentId: '440103' }), 'FORBIDDEN');
      const open = {
        type: 'Polygon',
        coordinates: [
          [
            [113, 23],
            [113.1, 23],
            [113.1, 23.1],
            [113, 23.1],
          ],
        ],
      };
      const outOfRange = square(200, 23);
      const tooShort = {
        type: 'Polygon',
        coordinates: [
          [
            [113, 23],
            [113.1, 23],
            [113, 23],
          ],
        ],
      };
      for (const boundary of [open, outOfRange, tooShort, { type: 'Point', coordinates: [113, 23] }, [1, 2]]) {
        await expectCode(createJurisdiction(admin, { ...base, boundary }), 'INVALID_GEOMETRY');
      }
      expect(await count()).toBe(before);
    });
  });

  describe('update and move', () => {
    it('renames and clears a boundary; refuses officers', async () => {
      const d = await updateJurisdictionDetails(admin, '440104002', { name: '北塔新所', boundary: null });
      expect(d.jurisdiction.name).toBe('北塔新所');
      expect(d.jurisdiction.boundary).toBeNull();
      await expectCode(updateJurisdictionDetails(county, '440103', { name: 'mine' }), 'FORBIDDEN');
      await expectCode(updateJurisdictionDetails(county, '440104', { name: 'theirs' }), 'JURISDICTION_NOT_FOUND');
    });

    it('moves a station with its descendants to another county in one step, rewriting paths', async () => {
      const res = await moveJurisdiction(admin, '440103001', '440104');
      expect(res.moved).toBe(3);
      const paths = await query<{ id: string; path: string }>(
        database.db,
        sql`select id, path from jurisdictions where id like '440103001%' order by id`,
      );
      expect(paths).toEqual([
        { id: '440103001', path: '/44/4401/440104/440103001/' },
        { id: '440103001001', path: '/44/4401/440104/440103001/440103001001/' },
        { id: '440103001001001', path: '/44/4401/440104/440103001/440103001001/440103001001001/' },
      ]);
      expect(sink.entries.at(-1)).toMatchObject({ action: 'jurisdiction.move', payload: { moved: 3 } });
      // The county officer of 440103 no longer sees the moved station.
      expect(Object.keys(flatten(await getTree(county)))).toEqual(['44', '4401', '440103']);
      // Retrying the same move changes nothing.
      expect((await moveJurisdiction(admin, '440103001', '440104')).moved).toBe(0);
      // And back.
      expect((await moveJurisdiction(admin, '440103001', '440103')).moved).toBe(3);
    });

    it('refuses moves into its own subtree, across levels, and by officers', async () => {
      await expectCode(moveJurisdiction(admin, '440103', '440103001'), 'JURISDICTION_HIERARCHY');
      await expectCode(moveJurisdiction(admin, '440103001', '4402'), 'JURISDICTION_HIERARCHY');
      await expectCode(moveJurisdiction(admin, '440103001', '440103001001'), 'JURISDICTION_HIERARCHY');
      await expectCode(moveJurisdiction(county, '440103001', '440104'), 'FORBIDDEN');
      await expectCode(moveJurisdiction(admin, '440103001', '999999'), 'JURISDICTION_NOT_FOUND');
      const [row] = await query<{ path: string }>(
        database.db,
        sql`select path from jurisdictions where id = '440103001'`,
      );
      expect(row!.path).toBe('/44/4401/440103/440103001/');
    });
  });
});
