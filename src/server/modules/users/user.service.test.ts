import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ROLES, type RoleCode } from '../../../contracts/roles.ts';
import { query } from '../../db/client.ts';
import type { RequestContext } from '../../context.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { TREE, insertJurisdictions, insertUser, type CreatedUser } from '../../../../test/helpers/factories.ts';
import { can } from '../policy/policy.ts';
import { checkPasswordRules } from '../auth/password.rules.ts';
import { contextFor, loadActor, recordingSink } from './user.testing.ts';
import { presentUsers, userResource } from './user.presenter.ts';
import { usersToCsv } from './user.csv.ts';
import {
  assignRole,
  createTaskGrant,
  createUser,
  exportVisibleUsers,
  getUser,
  listVisibleUsers,
  removeRole,
  revokeTaskGrant,
  setStatus,
} from './user.service.ts';
import { isValidResidentId } from '../../../contracts/resident-id.ts';

const ID = '11010519491231002X'; // valid GB 11643 check character
const PERSONAL = { idNumber: ID, phone: '13812345678', address: '测试省甲市甲一区东门路1号' };
const OPTS = { passwordMinLength: 12 };

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toMatchObject({ code });
}

describe('users service', () => {
  let database: TestDatabase;
  const sink = recordingSink();
  const users: Record<string, CreatedUser> = {};
  const ctx: Record<string, RequestContext> = {};
  const as = async (name: string, roles: { role: RoleCode; jurisdictionId: string }[], extra = {}) => {
    users[name] = await insertUser(database.db, { username: name, roles, ...extra });
    ctx[name] = await contextFor(database, sink, users[name]!.id);
  };
  const userCount = async () =>
    Number((await query<{ n: string }>(database.db, sql`select count(*) as n from users`))[0]!.n);

  beforeAll(async () => {
    database = await createTestDatabase();
    await insertJurisdictions(database.db);
    await as('sysadmin', [{ role: 'system_admin', jurisdictionId: '44' }]);
    await as('cityadmin', [{ role: 'system_admin', jurisdictionId: '4401' }]);
    await as('secadmin', [{ role: 'security_admin', jurisdictionId: '44' }]);
    await as('citysec', [{ role: 'security_admin', jurisdictionId: '4401' }]);
    await as('auditor', [{ role: 'auditor', jurisdictionId: '44' }]);
    await as('chief', [{ role: 'station_chief', jurisdictionId: '440103001' }]);
    await as('county', [{ role: 'county_duty_officer', jurisdictionId: '440103' }]);
    await as('county2', [{ role: 'county_duty_officer', jurisdictionId: '440104' }]);
    await as('patrol', [{ role: 'patrol_officer', jurisdictionId: '440103001' }], PERSONAL);
    await as('target', [{ role: 'community_officer', jurisdictionId: '440103001001' }], {
      ...PERSONAL,
      displayName: '社区民警 赵丽',
    });
  });
  afterAll(async () => database?.close());

  describe('masking per role on single reads, lists and exports', () => {
    const view = async (who: string) =>
      (await presentUsers(ctx[who]!, [await getUser(ctx[who]!, users.target!.id)], 'get'))[0]!;

    it('shows the system admin everything and audits the core-grade read', async () => {
      const before = sink.entries.length;
      const v = await view('sysadmin');
      expect([v.idNumber, v.phone, v.address]).toEqual([ID, '13812345678', '测试省甲市甲一区东门路1号']);
      expect(v.masked).toEqual([]);
      expect(sink.entries.slice(before)).toEqual([
        expect.objectContaining({
          action: 'user.read_core',
          resourceId: users.target!.id,
          payload: { fields: ['idNumber'], via: 'get' },
        }),
      ]);
    });

    it('shows the station chief phone and address but masks the ID number, without a core-read entry', async () => {
      const before = sink.entries.length;
      const v = await view('chief');
      expect([v.idNumber, v.phone, v.address]).toEqual([
        '110105********002X',
        '13812345678',
        '测试省甲市甲一区东门路1号',
      ]);
      expect(v.masked).toEqual(['idNumber']);
      expect(sink.entries.length).toBe(before);
    });

    it('masks all personal data for the county officer, the auditor and the security admin', async () => {
      for (const who of ['county', 'auditor', 'secadmin']) {
        const v = await view(who);
        expect([v.idNumber, v.phone, v.address, v.displayName]).toEqual([
          '110105********002X',
          '138****5678',
          '测试省甲市甲一区****',
          '社区民警 赵丽',
        ]);
        expect(v.masked).toEqual(['idNumber', 'phone', 'address']);
      }
    });

    it('shows users their own data and hides the record from roles without user.read', async () => {
      const self = (await presentUsers(ctx.target!, [await getUser(ctx.target!, users.target!.id)], 'get'))[0]!;
      expect(self.idNumber).toBe(ID);
      await expectCode(getUser(ctx.patrol!, users.target!.id), 'USER_NOT_FOUND');
      await expectCode(getUser(ctx.county2!, users.target!.id), 'USER_NOT_FOUND');
      await expectCode(getUser({ ...ctx.sysadmin!, actor: null }, users.target!.id), 'UNAUTHENTICATED');
    });

    it('masks lists and search results exactly as single reads', async () => {
      for (const who of ['sysadmin', 'chief', 'county', 'auditor']) {
        const { users: found } = await listVisibleUsers(ctx[who]!, { q: '赵丽', limit: 10 });
        const listed = await presentUsers(ctx[who]!, found, 'list');
        expect(listed).toEqual([await view(who)]);
      }
    });

    it('masks exports the same way, and refuses export to roles without it', async () => {
      const rows = await presentUsers(
        ctx.cityadmin!,
        await exportVisibleUsers(ctx.cityadmin!, { q: 'target' }),
        'export',
      );
      expect(rows.map((r) => r.idNumber)).toEqual([ID]);
      const csv = usersToCsv(rows);
      expect(csv.split('\r\n')[0]).toBe(
        '\uFEFFid,username,display_name,police_number,home_jurisdiction_id,status,id_number,phone,address,roles',
      );
      expect(csv).toContain(`,${ID},13812345678,`);
      await expectCode(exportVisibleUsers(ctx.chief!, {}), 'FORBIDDEN');
      await expectCode(exportVisibleUsers(ctx.auditor!, {}), 'FORBIDDEN');
      expect(sink.entries.at(-1)).toMatchObject({ action: 'user.read_core', payload: { via: 'export' } });
    });
  });

  describe('list/search parity with single-record reads', () => {
    it('lists exactly the users can(actor, user.read) allows, for every role at several levels', async () => {
      // Spread extra users over the tree (and one without a home jurisdiction).
      for (const [i, j] of TREE.entries()) {
        await insertUser(database.db, { username: `spread${i}`, homeJurisdictionId: j.id });
      }
      await insertUser(database.db, { username: 'homeless' });
      const allUsers = () =>
        query<{ id: string; path: string }>(
          database.db,
          sql`select u.id, coalesce(j.path, '/') as path from users u left join jurisdictions j on j.id = u.home_jurisdiction_id`,
        );
      let checked = 0;
      for (const role of ROLES) {
        for (const at of ['44', '4401', '440104', '440103001']) {
          const u = await insertUser(database.db, { roles: [{ role, jurisdictionId: at }] });
          const c = await contextFor(database, sink, u.id);
          const all = await allUsers();
          const expected = all
            .filter((r) => can(c.actor, 'user.read', userResource({ id: r.id, jurisdictionPath: r.path })))
            .map((r) => r.id);
          const listed: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await listVisibleUsers(c, { limit: 7, cursor });
            listed.push(...page.users.map((x) => x.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(listed.sort()).toEqual(expected.sort());
          expect(listed).toContain(u.id); // self-service: everyone lists himself
          // Every user not listed is refused on a single read, every listed one is readable.
          for (const r of all) {
            if (listed.includes(r.id)) expect((await getUser(c, r.id)).id).toBe(r.id);
            else await expectCode(getUser(c, r.id), 'USER_NOT_FOUND');
          }
          checked++;
        }
      }
      expect(checked).toBe(ROLES.length * 4);
    });

    it('searches username, display name and police number, with wildcards taken literally', async () => {
      await insertUser(database.db, { username: 'wild_card', displayName: '100%王', homeJurisdictionId: '440103' });
      expect((await listVisibleUsers(ctx.sysadmin!, { q: '100%', limit: 50 })).users.map((u) => u.username)).toEqual([
        'wild_card',
      ]);
      expect((await listVisibleUsers(ctx.sysadmin!, { q: 'd_c', limit: 50 })).users.map((u) => u.username)).toEqual([
        'wild_card',
      ]);
      expect((await listVisibleUsers(ctx.sysadmin!, { q: 'xd%c', limit: 50 })).users).toEqual([]);
      const under = await listVisibleUsers(ctx.sysadmin!, { jurisdictionId: '440104', limit: 200 });
      expect(under.users.every((u) => u.jurisdictionPath.startsWith('/44/4401/440104/'))).toBe(true);
      await expectCode(listVisibleUsers(ctx.sysadmin!, { limit: 5, cursor: 'Li4vLi4v' }), 'VALIDATION_FAILED');
    });
  });

  describe('create', () => {
    it('creates an account with a generated password that must be changed, audited', async () => {
      const res = await createUser(
        ctx.sysadmin!,
        {
          username: 'newbie',
          displayName: '新警 钱',
          homeJurisdictionId: '440104001',
          policeNumber: '440001',
          ...PERSONAL,
        },
        OPTS,
      );
      expect(res.user.username).toBe('newbie');
      expect(checkPasswordRules(res.initialPassword!, { username: 'newbie', minLength: 12 })).toEqual([]);
      const [row] = await query<{ must_change_password: boolean }>(
        database.db,
        sql`select must_change_password from users where username = 'newbie'`,
      );
      expect(row!.must_change_password).toBe(true);
      expect(sink.entries.at(-1)).toMatchObject({ action: 'user.create', resourceId: res.user.id });
      expect(JSON.stringify(sink.entries.at(-1))).not.toContain(ID);
    });

    it('rejects bad input, duplicates and callers without the power, writing nothing', async () => {
      const before = await userCount();
      const base = { username: 'second', displayName: 'x', homeJurisdictionId: '440104001' };
      await expectCode(createUser(ctx.sysadmin!, { ...base, password: 'short' }, OPTS), 'PASSWORD_POLICY');
      await expectCode(createUser(ctx.sysadmin!, { ...base, password: 'second#Secret2026' }, OPTS), 'PASSWORD_POLICY');
      await expectCode(
        createUser(ctx.sysadmin!, { ...base, idNumber: '110105194912310021' }, OPTS),
        'VALIDATION_FAILED',
      );
      await expectCode(createUser(ctx.sysadmin!, { ...base, username: 'newbie' }, OPTS), 'USERNAME_TAKEN');
      await expectCode(createUser(ctx.sysadmin!, { ...base, policeNumber: '440001' }, OPTS), 'POLICE_NUMBER_TAKEN');
      await expectCode(
        createUser(ctx.sysadmin!, { ...base, homeJurisdictionId: '449999' }, OPTS),
        'JURISDICTION_NOT_FOUND',
      );
      await expectCode(
        createUser(ctx.cityadmin!, { ...base, homeJurisdictionId: '440203001' }, OPTS),
        'JURISDICTION_NOT_FOUND',
      );
      await expectCode(createUser(ctx.secadmin!, base, OPTS), 'FORBIDDEN');
      await expectCode(createUser(ctx.chief!, { ...base, homeJurisdictionId: '440103001' }, OPTS), 'FORBIDDEN');
      expect(await userCount()).toBe(before);
      expect(isValidResidentId(ID)).toBe(true);
    });
  });

  describe('roles and separation of duties', () => {
    it('lets the security admin assign and remove roles in his scope, idempotently', async () => {
      const roles = await assignRole(ctx.citysec!, users.patrol!.id, {
        role: 'station_chief',
        jurisdictionId: '440104001',
      });
      expect(roles).toContainEqual({ role: 'station_chief', jurisdictionId: '440104001' });
      const n = sink.entries.length;
      await assignRole(ctx.citysec!, users.patrol!.id, { role: 'station_chief', jurisdictionId: '440104001' });
      expect(sink.entries.length).toBe(n); // nothing new to audit
      const after = await removeRole(ctx.citysec!, users.patrol!.id, {
        role: 'station_chief',
        jurisdictionId: '440104001',
      });
      expect(after).not.toContainEqual({ role: 'station_chief', jurisdictionId: '440104001' });
      await removeRole(ctx.citysec!, users.patrol!.id, { role: 'station_chief', jurisdictionId: '440104001' });
    });

    it('refuses outside his scope, on himself, and for anyone but the security admin', async () => {
      await expectCode(
        assignRole(ctx.citysec!, users.patrol!.id, { role: 'station_chief', jurisdictionId: '440203001' }),
        'FORBIDDEN',
      );
      await expectCode(
        assignRole(ctx.citysec!, users.patrol!.id, { role: 'provincial_commander', jurisdictionId: '44' }),
        'FORBIDDEN',
      );
      await expectCode(
        assignRole(ctx.secadmin!, users.secadmin!.id, { role: 'station_chief', jurisdictionId: '440103001' }),
        'FORBIDDEN',
      );
      await expectCode(
        assignRole(ctx.sysadmin!, users.patrol!.id, { role: 'station_chief', jurisdictionId: '440103001' }),
        'FORBIDDEN',
      );
      await expectCode(
        assignRole(ctx.secadmin!, users.patrol!.id, { role: 'station_chief', jurisdictionId: '449999' }),
        'JURISDICTION_NOT_FOUND',
      );
    });

    it('never lets one account hold two of system admin, security admin and auditor', async () => {
      for (const [holder, role] of [
        ['sysadmin', 'auditor'],
        ['sysadmin', 'security_admin'],
        ['auditor', 'system_admin'],
        ['citysec', 'auditor'],
      ] as const) {
        await expectCode(
          assignRole(ctx.secadmin!, users[holder]!.id, { role, jurisdictionId: '4401' }),
          'SEPARATION_OF_DUTIES',
        );
      }
      // The same separated role at another level is fine.
      await assignRole(ctx.secadmin!, users.cityadmin!.id, { role: 'system_admin', jurisdictionId: '4402' });
      // The database refuses it too, whoever writes.
      const direct = await database.db
        .execute(
          sql`insert into role_assignments (user_id, role, jurisdiction_id) values (${users.auditor!.id}, 'system_admin', '44')`,
        )
        .then(
          () => 'inserted',
          (err: Error) => String((err.cause as Error | undefined)?.message ?? err.message),
        );
      expect(direct).toMatch(/separation of duties/);
      const [n] = await query<{ n: string }>(
        database.db,
        sql`select count(*) as n from role_assignments where user_id = ${users.auditor!.id}`,
      );
      expect(Number(n!.n)).toBe(1);
    });
  });

  describe('disable and enable', () => {
    it('disables and re-enables idempotently, never oneself, only with the power', async () => {
      expect((await setStatus(ctx.sysadmin!, users.patrol!.id, 'disabled')).status).toBe('disabled');
      const n = sink.entries.length;
      expect((await setStatus(ctx.sysadmin!, users.patrol!.id, 'disabled')).status).toBe('disabled');
      expect(sink.entries.length).toBe(n);
      expect((await setStatus(ctx.sysadmin!, users.patrol!.id, 'active')).status).toBe('active');
      await expectCode(setStatus(ctx.sysadmin!, users.sysadmin!.id, 'disabled'), 'FORBIDDEN');
      await expectCode(setStatus(ctx.secadmin!, users.patrol!.id, 'disabled'), 'FORBIDDEN');
      await expectCode(setStatus(ctx.cityadmin!, users.auditor!.id, 'disabled'), 'USER_NOT_FOUND');
    });
  });

  describe('task grants', () => {
    const now = new Date();
    const later = new Date(now.getTime() + 4 * 3600_000).toISOString();
    const task = { taskRef: 'deployment:d42', jurisdictionId: '440104', actions: ['incident.read'], endsAt: later };

    it('lets the receiving county lend an officer to one task, and revoke it', async () => {
      const g = await createTaskGrant(ctx.county2!, users.patrol!.id, task);
      expect(g).toMatchObject({ taskRef: 'deployment:d42', jurisdictionId: '440104', revokedAt: null });
      const lent = await loadActor(database.db, users.patrol!.id);
      const record = { type: 'incident', jurisdictionPath: '/44/4401/440104/440104001/', taskRefs: ['deployment:d42'] };
      expect(can(lent, 'incident.read', record)).toBe(true);
      expect(can(lent, 'incident.read', { ...record, taskRefs: ['deployment:other'] })).toBe(false);
      const revoked = await revokeTaskGrant(ctx.county2!, users.patrol!.id, g.id);
      expect(revoked.revokedAt).not.toBeNull();
      expect((await revokeTaskGrant(ctx.county2!, users.patrol!.id, g.id)).revokedAt).toBe(revoked.revokedAt);
      expect(can(await loadActor(database.db, users.patrol!.id), 'incident.read', record)).toBe(false);
      expect(sink.entries.filter((e) => e.resourceId === g.id).map((e) => e.action)).toEqual([
        'task_grant.create',
        'task_grant.revoke',
      ]);
    });

    it('refuses grants outside the granter’s jurisdiction, of non-grantable actions, to oneself, or badly timed', async () => {
      await expectCode(createTaskGrant(ctx.county!, users.patrol!.id, task), 'FORBIDDEN');
      await expectCode(createTaskGrant(ctx.county2!, users.county2!.id, task), 'FORBIDDEN');
      await expectCode(
        createTaskGrant(ctx.county2!, users.patrol!.id, { ...task, actions: ['user.read'] }),
        'VALIDATION_FAILED',
      );
      await expectCode(
        createTaskGrant(ctx.county2!, users.patrol!.id, {
          ...task,
          endsAt: new Date(now.getTime() - 1000).toISOString(),
        }),
        'VALIDATION_FAILED',
      );
      await expectCode(
        createTaskGrant(ctx.county2!, users.patrol!.id, {
          ...task,
          endsAt: new Date(now.getTime() + 40 * 86_400_000).toISOString(),
        }),
        'VALIDATION_FAILED',
      );
      await expectCode(
        revokeTaskGrant(ctx.county2!, users.patrol!.id, '00000000-0000-4000-8000-000000000000'),
        'TASK_GRANT_NOT_FOUND',
      );
    });
  });
});
