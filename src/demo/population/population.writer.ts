/**
 * Writes a generated population to the database inside the caller's transaction (joining it, or opening one).
 *
 * Rows go in chunks of ~1,000 per statement as one JSON parameter unpacked by `json_array_elements`: one
 * parameter per statement instead of one per value keeps statements small to parse and well under the
 * 65,535-parameter limit, on PGlite and PostgreSQL alike (PGlite manages only ~3,000 single-row inserts/s).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../server/db/client.ts';
import { recordAudit, transaction, type RequestContext } from '../../server/context.ts';
import type { Population } from './population.model.ts';

/** A column and the PostgreSQL type its JSON text is cast to. */
type Column = readonly [name: string, type: string];

export const CHUNK_ROWS = 1_000;

/** Inserts `rows` (arrays in `columns` order) into `table` in chunks. */
export async function bulkInsert(
  ex: Executor,
  table: string,
  columns: readonly Column[],
  rows: readonly (readonly unknown[])[],
  chunkRows = CHUNK_ROWS,
): Promise<void> {
  if (!/^[a-z_]+$/.test(table) || columns.some(([n, t]) => !/^[a-z_0-9]+$/.test(n) || !/^[a-z ]+$/.test(t))) {
    throw new Error(`bulkInsert: unexpected table or column name in ${table}`);
  }
  const names = sql.raw(columns.map(([n]) => n).join(', '));
  const exprs = sql.raw(columns.map(([, t], i) => `(r->>${i})::${t}`).join(', '));
  for (let start = 0; start < rows.length; start += chunkRows) {
    const json = JSON.stringify(rows.slice(start, start + chunkRows));
    await ex.execute(
      sql`insert into ${sql.identifier(table)} (${names}) select ${exprs} from json_array_elements(${json}::json) as r`,
    );
  }
}

/** Row counts written per table. */
export type PopulationCounts = Record<
  | 'vehicles'
  | 'units'
  | 'officers'
  | 'officer_skills'
  | 'certifications'
  | 'equipment'
  | 'houses'
  | 'residents'
  | 'enterprises'
  | 'incidents',
  number
>;

export interface WritePopulationOptions {
  /**
   * Append a `demo.population.write` audit entry with the counts (default true). `writeCity` passes false:
   * its own `demo.seed` entry already records every part's counts in the same transaction.
   */
  audit?: boolean;
}

/**
 * Writes the population (the geography's jurisdictions must already be in the database) and, unless told
 * otherwise, appends one audit entry with the row counts. Returns the counts.
 */
export async function writePopulation(
  ctx: RequestContext,
  population: Population,
  options: WritePopulationOptions = {},
): Promise<PopulationCounts> {
  return transaction(ctx, async (tx) => {
    const ex = tx.db;
    const skills = population.officers.flatMap((o) =>
      o.skills.map((s) => [o.id, s.skill, s.level, s.detail, o.stationId] as const),
    );
    const stationOfOfficer = new Map(population.officers.map((o) => [o.id, o.stationId]));

    await bulkInsert(
      ex,
      'vehicles',
      [
        ['id', 'text'],
        ['plate', 'text'],
        ['kind', 'text'],
        ['model', 'text'],
        ['status', 'text'],
        ['jurisdiction_id', 'text'],
      ],
      population.vehicles.map((v) => [v.id, v.plate, v.kind, v.model, v.status, v.stationId]),
    );
    await bulkInsert(
      ex,
      'units',
      [
        ['id', 'text'],
        ['call_sign', 'text'],
        ['type', 'text'],
        ['jurisdiction_id', 'text'],
        ['home_lon', 'double precision'],
        ['home_lat', 'double precision'],
        ['vehicle_id', 'text'],
      ],
      population.units.map((u) => [u.id, u.callSign, u.type, u.stationId, u.homeBase[0], u.homeBase[1], u.vehicleId]),
    );
    await bulkInsert(
      ex,
      'officers',
      [
        ['id', 'text'],
        ['police_number', 'text'],
        ['name', 'text'],
        ['sex', 'text'],
        ['birth_date', 'date'],
        ['id_number', 'text'],
        ['phone', 'text'],
        ['rank', 'text'],
        ['post', 'text'],
        ['jurisdiction_id', 'text'],
        ['unit_id', 'text'],
        ['hired_on', 'date'],
      ],
      population.officers.map((o) => [
        o.id,
        o.policeNumber,
        o.name,
        o.sex,
        o.birthDate,
        o.idNumber,
        o.phone,
        o.rank,
        o.post,
        o.stationId,
        o.unitId,
        o.hiredOn,
      ]),
    );
    await bulkInsert(
      ex,
      'officer_skills',
      [
        ['officer_id', 'text'],
        ['skill', 'text'],
        ['level', 'smallint'],
        ['detail', 'text'],
        ['jurisdiction_id', 'text'],
      ],
      skills,
    );
    await bulkInsert(
      ex,
      'certifications',
      [
        ['id', 'text'],
        ['officer_id', 'text'],
        ['name', 'text'],
        ['issued_on', 'date'],
        ['expires_on', 'date'],
        ['jurisdiction_id', 'text'],
      ],
      population.certifications.map((c) => [
        c.id,
        c.officerId,
        c.name,
        c.issuedOn,
        c.expiresOn,
        stationOfOfficer.get(c.officerId),
      ]),
    );
    await bulkInsert(
      ex,
      'equipment',
      [
        ['id', 'text'],
        ['kind', 'text'],
        ['serial', 'text'],
        ['model', 'text'],
        ['status', 'text'],
        ['standard', 'text'],
        ['jurisdiction_id', 'text'],
        ['officer_id', 'text'],
        ['unit_id', 'text'],
        ['vehicle_id', 'text'],
      ],
      population.equipment.map((e) => [
        e.id,
        e.kind,
        e.serial,
        e.model,
        e.status,
        e.standard,
        e.stationId,
        e.officerId,
        e.unitId,
        e.vehicleId,
      ]),
    );
    await bulkInsert(
      ex,
      'houses',
      [
        ['id', 'text'],
        ['address_id', 'text'],
        ['room', 'text'],
        ['floor', 'smallint'],
        ['area_m2', 'real'],
        ['usage', 'text'],
        ['owner_resident_id', 'text'],
        ['owner_name', 'text'],
        ['owner_id_number', 'text'],
        ['owner_phone', 'text'],
        ['address', 'text'],
        ['jurisdiction_id', 'text'],
      ],
      population.houses.map((h) => [
        h.id,
        h.addressId,
        h.room,
        h.floor,
        h.areaM2,
        h.usage,
        h.ownerResidentId,
        h.ownerName,
        h.ownerIdNumber,
        h.ownerPhone || null,
        h.address,
        h.gridId,
      ]),
    );
    await bulkInsert(
      ex,
      'residents',
      [
        ['id', 'text'],
        ['name', 'text'],
        ['sex', 'text'],
        ['birth_date', 'date'],
        ['id_number', 'text'],
        ['phone', 'text'],
        ['resident_type', 'text'],
        ['hukou_region', 'text'],
        ['key_category', 'text'],
        ['care_category', 'text'],
        ['household_id', 'text'],
        ['relation', 'text'],
        ['house_id', 'text'],
        ['address_id', 'text'],
        ['address', 'text'],
        ['jurisdiction_id', 'text'],
      ],
      population.residents.map((r) => [
        r.id,
        r.name,
        r.sex,
        r.birthDate,
        r.idNumber,
        r.phone,
        r.residentType,
        r.hukouRegion,
        r.keyCategory,
        r.careCategory,
        r.householdId,
        r.relation,
        r.houseId,
        r.addressId,
        r.address,
        r.gridId,
      ]),
    );
    await bulkInsert(
      ex,
      'enterprises',
      [
        ['id', 'text'],
        ['name', 'text'],
        ['credit_code', 'text'],
        ['industry', 'text'],
        ['special_trade', 'boolean'],
        ['legal_rep_name', 'text'],
        ['legal_rep_id_number', 'text'],
        ['phone', 'text'],
        ['employees', 'integer'],
        ['registered_on', 'date'],
        ['address_id', 'text'],
        ['address', 'text'],
        ['jurisdiction_id', 'text'],
      ],
      population.enterprises.map((e) => [
        e.id,
        e.name,
        e.creditCode,
        e.industry,
        e.specialTrade,
        e.legalRepName,
        e.legalRepIdNumber,
        e.phone,
        e.employees,
        e.registeredOn,
        e.addressId,
        e.address,
        e.gridId,
      ]),
    );
    await bulkInsert(
      ex,
      'incidents',
      [
        ['id', 'text'],
        ['category', 'text'],
        ['sub_type', 'text'],
        ['severity', 'smallint'],
        ['status', 'text'],
        ['historical', 'boolean'],
        ['channel', 'text'],
        ['reported_at', 'timestamptz'],
        ['closed_at', 'timestamptz'],
        ['lon', 'double precision'],
        ['lat', 'double precision'],
        ['address_id', 'text'],
        ['address', 'text'],
        ['disposition', 'text'],
        ['jurisdiction_id', 'text'],
      ],
      population.incidents.map((i) => [
        i.id,
        i.category,
        i.subType,
        i.severity,
        'closed',
        true,
        i.channel,
        i.reportedAt,
        i.closedAt,
        i.location[0],
        i.location[1],
        i.addressId,
        i.address,
        i.disposition,
        i.gridId,
      ]),
    );

    const counts: PopulationCounts = {
      vehicles: population.vehicles.length,
      units: population.units.length,
      officers: population.officers.length,
      officer_skills: skills.length,
      certifications: population.certifications.length,
      equipment: population.equipment.length,
      houses: population.houses.length,
      residents: population.residents.length,
      enterprises: population.enterprises.length,
      incidents: population.incidents.length,
    };
    if (options.audit === false) return counts;
    await recordAudit(tx, {
      action: 'demo.population.write',
      resourceType: 'demo_city',
      resourceId: `${population.scale}:${population.seed}`,
      outcome: 'success',
      payload: counts,
    });
    return counts;
  });
}
