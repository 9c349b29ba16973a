import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db/client.ts';
import { systemContext, type AuditInput } from '../../server/context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { fixtureGeography, insertFixtureJurisdictions } from './population.fixture.ts';
import { generatePopulation } from './population.generate.ts';
import { bulkInsert, writePopulation } from './population.writer.ts';

describe('writePopulation', () => {
  let database: TestDatabase;
  const audited: AuditInput[] = [];
  const sink = { append: async (_ctx: unknown, input: AuditInput) => void audited.push(input) };
  const geo = fixtureGeography();
  const population = generatePopulation(geo, { seed: 11, scale: 'small' });

  beforeAll(async () => {
    database = await createTestDatabase();
    await insertFixtureJurisdictions(database.db, geo);
  });
  afterAll(async () => {
    await database.close();
  });

  const count = async (table: string): Promise<number> =>
    Number(
      (await query<{ n: string }>(database.db, sql`select count(*)::text as n from ${sql.identifier(table)}`))[0]!.n,
    );

  it('writes every generated row at small scale and audits the counts without personal data', async () => {
    const ctx = systemContext(database.db, sink);
    const counts = await writePopulation(ctx, population);
    expect(counts.residents).toBe(population.residents.length);
    expect(counts.residents).toBeGreaterThan(2_000);
    for (const [table, n] of Object.entries(counts)) expect(await count(table), table).toBe(n);
    expect(counts.officer_skills).toBe(population.officers.reduce((s, o) => s + o.skills.length, 0));

    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ action: 'demo.population.write', outcome: 'success', resourceId: 'small:11' });
    const payload = JSON.stringify(audited[0]!.payload);
    expect(payload).not.toContain(population.residents[0]!.idNumber);
    expect(payload).not.toContain(population.residents[0]!.name);
  });

  it('stores rows faithfully: a resident, a historical incident and a unit read back as generated', async () => {
    const r = population.residents[5]!;
    const [row] = await query<Record<string, unknown>>(
      database.db,
      sql`select name, sex, to_char(birth_date, 'YYYY-MM-DD') as birth_date, id_number, phone, jurisdiction_id, house_id, address
            from residents where id = ${r.id}`,
    );
    expect(row).toEqual({
      name: r.name,
      sex: r.sex,
      birth_date: r.birthDate,
      id_number: r.idNumber,
      phone: r.phone,
      jurisdiction_id: r.gridId,
      house_id: r.houseId,
      address: r.address,
    });
    const inc = population.incidents.at(-1)!;
    const [incRow] = await query<{ same_time: boolean; status: string; historical: boolean; lon: number }>(
      database.db,
      sql`select reported_at = ${inc.reportedAt}::timestamptz as same_time, status, historical, lon
            from incidents where id = ${inc.id}`,
    );
    expect(incRow).toEqual({ same_time: true, status: 'closed', historical: true, lon: inc.location[0] });
    const [unit] = await query<{ status: string; call_sign: string }>(
      database.db,
      sql`select status, call_sign from units where id = ${population.units[0]!.id}`,
    );
    expect(unit).toEqual({ status: 'off_duty', call_sign: population.units[0]!.callSign });
  });

  it('keeps the references whole: every resident has its house, every house owner who is a resident exists', async () => {
    const [orphans] = await query<{ residents: string; owners: string; officers: string }>(
      database.db,
      sql`select
            (select count(*) from residents r left join houses h on h.id = r.house_id where h.id is null)::text as residents,
            (select count(*) from houses h left join residents r on r.id = h.owner_resident_id
              where h.owner_resident_id is not null and r.id is null)::text as owners,
            (select count(*) from officers o join jurisdictions j on j.id = o.jurisdiction_id where j.level <> 'station')::text as officers`,
    );
    expect(orphans).toEqual({ residents: '0', owners: '0', officers: '0' });
  });

  it('writes nothing when any row fails: a second write of the same population rolls back whole', async () => {
    const before = await count('residents');
    const ctx = systemContext(database.db, sink);
    await expect(writePopulation(ctx, population)).rejects.toThrow();
    expect(await count('residents')).toBe(before);
    expect(await count('vehicles')).toBe(population.vehicles.length);
  });

  it('rejects rows the schema forbids (unknown jurisdiction, bad police number)', async () => {
    await expect(
      database.db.transaction((tx) =>
        bulkInsert(
          tx,
          'vehicles',
          [
            ['id', 'text'],
            ['plate', 'text'],
            ['kind', 'text'],
            ['model', 'text'],
            ['jurisdiction_id', 'text'],
          ],
          [['veh-x', '东A0000警', 'sedan', 'x', '999999999']],
        ),
      ),
    ).rejects.toThrow();
    const o = population.officers[0]!;
    await expect(
      database.db.transaction((tx) =>
        bulkInsert(
          tx,
          'officers',
          [
            ['id', 'text'],
            ['police_number', 'text'],
            ['name', 'text'],
            ['sex', 'text'],
            ['birth_date', 'date'],
            ['id_number', 'text'],
            ['rank', 'text'],
            ['post', 'text'],
            ['jurisdiction_id', 'text'],
          ],
          [['off-x', '12345', 'x', 'M', '1990-01-01', '91010219900101001X', o.rank, 'patrol', o.stationId]],
        ),
      ),
    ).rejects.toThrow();
    await expect(bulkInsert(database.db, 'officers; drop table x', [['id', 'text']], [])).rejects.toThrow(/unexpected/);
  });
});
