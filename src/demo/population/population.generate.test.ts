import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidCreditCodeStrict } from '../../contracts/credit-code.ts';
import { isValidMobile } from '../../contracts/mobile-phone.ts';
import { isValidResidentId, parseResidentId } from '../../contracts/resident-id.ts';
import { createPolygonIndex } from '../../server/modules/geo/index.ts';
import { generateGeography } from '../geography/geography.generator.ts';
import { ageAt } from './identity.ts';
import { INCIDENT_TYPES } from './incident.types.ts';
import { fixtureGeography } from './population.fixture.ts';
import { generatePopulation } from './population.generate.ts';
import { RANKS, SKILLS, type Population } from './population.model.ts';

const geo = fixtureGeography();
const hash = (p: Population): string => createHash('sha256').update(JSON.stringify(p)).digest('hex');
const population = generatePopulation(geo, { seed: 11, scale: 'small' });
const NOW = new Date(`${population.asOf}T00:00:00Z`);
const addressById = new Map(geo.addresses.map((a) => [a.id, a]));

describe('generatePopulation: determinism and inputs', () => {
  it('gives byte-identical data for the same seed and different data for another seed', () => {
    const again = generatePopulation(fixtureGeography(), { seed: 11, scale: 'small' });
    expect(hash(again)).toBe(hash(population));
    const other = generatePopulation(geo, { seed: 12, scale: 'small' });
    expect(hash(other)).not.toBe(hash(population));
    expect(other.residents[0]!.idNumber).not.toBe(population.residents[0]!.idNumber);
  });

  it('rejects an empty geography, an unknown scale and a non-integer seed with a clear message', () => {
    expect(() => generatePopulation({ ...geo, addresses: [] }, { seed: 1, scale: 'small' })).toThrow(/no addresses/);
    expect(() => generatePopulation({ ...geo, stations: [] }, { seed: 1, scale: 'small' })).toThrow(/no stations/);
    expect(() => generatePopulation(geo, { seed: 1, scale: 'huge' as 'small' })).toThrow(/unknown scale/);
    expect(() => generatePopulation(geo, { seed: 1.5, scale: 'small' })).toThrow(/integer/);
  });
});

describe('generatePopulation: people and identifiers', () => {
  const people = [
    ...population.residents.map((r) => ({ id: r.idNumber, sex: r.sex, birthDate: r.birthDate, phone: r.phone })),
    ...population.officers.map((o) => ({ id: o.idNumber, sex: o.sex, birthDate: o.birthDate, phone: o.phone })),
  ];

  it('gives every resident and officer a valid, unique ID number matching their sex and birth date', () => {
    expect(people.length).toBeGreaterThan(3_000);
    for (const p of people) {
      expect(isValidResidentId(p.id, { sex: p.sex, now: NOW }), p.id).toBe(true);
      expect(parseResidentId(p.id, { now: NOW })!.birthDate).toBe(p.birthDate);
    }
    expect(new Set(people.map((p) => p.id)).size).toBe(people.length);
    // House owners from outside and legal representatives have valid numbers too.
    for (const h of population.houses)
      expect(isValidResidentId(h.ownerIdNumber, { now: NOW }), h.ownerIdNumber).toBe(true);
    for (const e of population.enterprises) expect(isValidResidentId(e.legalRepIdNumber, { now: NOW })).toBe(true);
  });

  it('registers residents in the fictional province (region 91-95), locals in their own county', () => {
    for (const r of population.residents) {
      expect(r.idNumber.slice(0, 6)).toBe(r.hukouRegion);
      expect(Number(r.hukouRegion.slice(0, 2))).toBeGreaterThanOrEqual(91);
      expect(Number(r.hukouRegion.slice(0, 2))).toBeLessThanOrEqual(95);
      if (r.residentType === 'registered') expect(r.gridId.startsWith(r.hukouRegion)).toBe(true);
    }
  });

  it('gives valid, unique mobile numbers (and none to small children)', () => {
    const phones = people.flatMap((p) => (p.phone ? [p.phone] : []));
    for (const p of phones) expect(isValidMobile(p), p).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);
    for (const r of population.residents) if (ageAt(r.birthDate, population.asOf) < 12) expect(r.phone).toBeNull();
  });

  it('draws surnames by frequency: 王, 李, 张 lead and together make up roughly a fifth', () => {
    const counts = new Map<string, number>();
    for (const r of population.residents) counts.set(r.name[0]!, (counts.get(r.name[0]!) ?? 0) + 1);
    const top3 =
      (['王', '李', '张'] as const).reduce((s, c) => s + (counts.get(c) ?? 0), 0) / population.residents.length;
    expect(top3).toBeGreaterThan(0.14);
    expect(top3).toBeLessThan(0.3);
    expect(counts.size).toBeGreaterThan(60);
    for (const r of population.residents) expect(r.name.length).toBeGreaterThanOrEqual(2);
  });
});

describe('generatePopulation: households, houses and enterprises', () => {
  it('houses households of 1-5 at residential addresses, one head each, sharing one room', () => {
    const households = new Map<string, typeof population.residents>();
    for (const r of population.residents) {
      const list = households.get(r.householdId) ?? [];
      list.push(r);
      households.set(r.householdId, list);
    }
    const sizes = [0, 0, 0, 0, 0, 0];
    for (const members of households.values()) {
      expect(members.length).toBeGreaterThanOrEqual(1);
      expect(members.length).toBeLessThanOrEqual(5);
      sizes[members.length]!++;
      expect(members.filter((m) => m.relation === 'head')).toHaveLength(1);
      expect(new Set(members.map((m) => m.houseId)).size).toBe(1);
      for (const m of members) {
        expect(addressById.get(m.addressId)!.kind).toBe('residential');
        expect(m.gridId).toBe(addressById.get(m.addressId)!.gridId);
      }
    }
    // Every size occurs, and the mean is near the census' 2.6.
    for (let s = 1; s <= 5; s++) expect(sizes[s]).toBeGreaterThan(0);
    const mean = population.residents.length / households.size;
    expect(mean).toBeGreaterThan(2.2);
    expect(mean).toBeLessThan(3);
  });

  it('files each occupied room once and a realistic share of empty ones, owner fields always filled', () => {
    const rooms = new Set<string>();
    for (const a of geo.addresses.filter((x) => x.kind === 'residential')) {
      for (let u = 1; u <= a.units; u++) {
        for (let f = 1; f <= a.floors; f++) {
          for (let r = 1; r <= a.roomsPerFloor; r++) rooms.add(`${a.id}/${u}单元${f}${String(r).padStart(2, '0')}室`);
        }
      }
    }
    const keys = population.houses.map((h) => `${h.addressId}/${h.room}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(rooms.has(k), k).toBe(true);
    const residentIds = new Set(population.residents.map((r) => r.id));
    const occupied = new Set(population.residents.map((r) => r.houseId));
    const houseIds = new Set(population.houses.map((h) => h.id));
    for (const id of occupied) expect(houseIds.has(id)).toBe(true);
    const vacant = population.houses.filter((h) => h.usage === 'vacant').length;
    expect(vacant / population.houses.length).toBeGreaterThan(0.08);
    expect(vacant / population.houses.length).toBeLessThan(0.16);
    for (const h of population.houses) {
      expect(h.ownerName.length).toBeGreaterThan(1);
      expect(h.usage === 'vacant').toBe(!occupied.has(h.id));
      if (h.ownerResidentId) expect(residentIds.has(h.ownerResidentId)).toBe(true);
      expect(h.address.endsWith(h.room)).toBe(true);
    }
    expect(population.houses.some((h) => h.usage === 'rented')).toBe(true);
    expect(population.houses.some((h) => h.ownerResidentId !== null && h.usage !== 'owner_occupied')).toBe(true);
  });

  it('marks a small share as key persons and elderly people living alone as persons under care', () => {
    const adults = population.residents.filter((r) => ageAt(r.birthDate, population.asOf) >= 18);
    const key = population.residents.filter((r) => r.keyCategory !== null);
    expect(key.length / adults.length).toBeLessThan(0.02);
    for (const r of key) expect(ageAt(r.birthDate, population.asOf)).toBeGreaterThanOrEqual(18);
    for (const r of population.residents.filter((x) => x.careCategory === 'elderly_alone')) {
      expect(ageAt(r.birthDate, population.asOf)).toBeGreaterThanOrEqual(70);
      expect(population.residents.filter((x) => x.householdId === r.householdId)).toHaveLength(1);
    }
    expect(population.residents.some((r) => r.residentType === 'floating')).toBe(true);
  });

  it('puts enterprises at commercial or industrial addresses with valid, unique credit codes', () => {
    expect(population.enterprises.length).toBeGreaterThan(20);
    for (const e of population.enterprises) {
      expect(['commercial', 'industrial']).toContain(addressById.get(e.addressId)!.kind);
      expect(isValidCreditCodeStrict(e.creditCode), e.creditCode).toBe(true);
      expect(e.creditCode.slice(2, 8)).toBe(e.gridId.slice(0, 6));
      expect(e.employees).toBeGreaterThan(0);
    }
    expect(new Set(population.enterprises.map((e) => e.creditCode)).size).toBe(population.enterprises.length);
    expect(new Set(population.enterprises.map((e) => e.name)).size).toBe(population.enterprises.length);
  });
});

describe('generatePopulation: police force', () => {
  it('staffs every station with officers, units at the station and a special unit per county', () => {
    const byStation = new Map<string, number>();
    for (const o of population.officers) byStation.set(o.stationId, (byStation.get(o.stationId) ?? 0) + 1);
    for (const s of geo.stations) {
      expect(byStation.get(s.id)).toBeGreaterThanOrEqual(12);
      const units = population.units.filter((u) => u.stationId === s.id);
      expect(units.length).toBeGreaterThanOrEqual(3);
      for (const u of units) expect(u.homeBase).toEqual(s.location);
    }
    const counties = new Set(geo.stations.map((s) => s.id.slice(0, 6)));
    expect(population.units.filter((u) => u.type === 'special')).toHaveLength(counties.size);
    expect(new Set(population.units.map((u) => u.callSign)).size).toBe(population.units.length);
    expect(population.units.find((u) => u.type !== 'special')!.callSign).toMatch(/^东门0\d$/);
  });

  it('gives officers 6-digit unique police numbers, valid ranks, a support module and dated certifications', () => {
    expect(new Set(population.officers.map((o) => o.policeNumber)).size).toBe(population.officers.length);
    const unitIds = new Set(population.units.map((u) => u.id));
    for (const o of population.officers) {
      expect(o.policeNumber).toMatch(/^[0-9]{6}$/);
      expect(RANKS).toContain(o.rank);
      expect(o.skills.some((s) => SKILLS[s.skill].kind === 'module')).toBe(true);
      expect(new Set(o.skills.map((s) => s.skill)).size).toBe(o.skills.length);
      if (o.unitId) expect(unitIds.has(o.unitId)).toBe(true);
      const age = ageAt(o.birthDate, population.asOf);
      expect(age).toBeGreaterThanOrEqual(23);
      expect(age).toBeLessThanOrEqual(60);
    }
    for (const c of population.certifications) expect(c.expiresOn > c.issuedOn).toBe(true);
    const lapsed = population.certifications.filter((c) => c.expiresOn < population.asOf).length;
    expect(lapsed).toBeGreaterThan(0); // some have lapsed: deployment must check expiry
    expect(lapsed / population.certifications.length).toBeLessThan(0.3);
  });

  it('equips officers and units, with radios on two standards (PDT and a legacy DMR county)', () => {
    const radios = population.equipment.filter((e) => e.kind === 'radio');
    expect(radios).toHaveLength(population.officers.length);
    expect(new Set(radios.map((r) => r.standard))).toEqual(new Set(['PDT', 'DMR']));
    expect(population.equipment.some((e) => e.kind === 'bomb_robot')).toBe(true);
    expect(population.equipment.some((e) => e.kind === 'mobile_command_vehicle' && e.vehicleId)).toBe(true);
    expect(new Set(population.equipment.map((e) => e.serial)).size).toBe(population.equipment.length);
    expect(new Set(population.vehicles.map((v) => v.plate)).size).toBe(population.vehicles.length);
    for (const v of population.vehicles) expect(v.plate).toMatch(/^东A\d{4}警$/);
  });
});

describe('generatePopulation: incidents (shape)', () => {
  it('types, grades, places and dates every incident within the window', () => {
    expect(population.incidents.length).toBeGreaterThan(500);
    const start = new Date(NOW.getTime() - 2 * 365 * 86_400_000 - 86_400_000).toISOString();
    const end = `${population.asOf}T00:00:00.000Z`;
    const gridIds = new Set(geo.jurisdictions.filter((j) => j.level === 'grid').map((j) => j.id));
    let previous = '';
    for (const i of population.incidents) {
      const [cat, sub] = i.subType.split('.');
      expect(cat).toBe(i.category);
      expect(INCIDENT_TYPES[i.category].subTypes.some((s) => s.code === sub)).toBe(true);
      expect([1, 2, 3, 4]).toContain(i.severity);
      expect(i.reportedAt >= start && i.reportedAt < end).toBe(true);
      expect(i.closedAt > i.reportedAt).toBe(true);
      expect(i.reportedAt >= previous).toBe(true); // ids follow time
      previous = i.reportedAt;
      expect(gridIds.has(i.gridId)).toBe(true);
      expect(addressById.has(i.addressId)).toBe(true);
    }
    expect(new Set(population.incidents.map((i) => i.category)).size).toBe(7);
  });
});

describe('generatePopulation on the generated geography (small)', () => {
  const city = generateGeography({ seed: 3, scale: 'small' });
  const p = generatePopulation(city, { seed: 3, scale: 'small' });
  const addresses = new Map(city.addresses.map((a) => [a.id, a]));

  it('fills the generated city: residents at residential addresses, units at every station, valid identifiers', () => {
    expect(p.residents.length).toBeGreaterThan(2_000);
    for (const r of p.residents) {
      expect(addresses.get(r.addressId)!.kind).toBe('residential');
      expect(isValidResidentId(r.idNumber, { sex: r.sex, now: NOW })).toBe(true);
    }
    for (const s of city.stations) expect(p.units.some((u) => u.stationId === s.id)).toBe(true);
    for (const e of p.enterprises) expect(isValidCreditCodeStrict(e.creditCode)).toBe(true);
  });

  it('puts every incident in the grid that contains its location (or its address for a point on a boundary road)', () => {
    const grids = createPolygonIndex(
      city.jurisdictions
        .filter((j) => j.level === 'grid')
        .map((j) => ({ id: j.id, geometry: { type: 'Polygon' as const, coordinates: j.boundary } })),
    );
    let inside = 0;
    for (const i of p.incidents) {
      const resolved = grids.resolve(i.location[0], i.location[1]);
      if (resolved === i.gridId) inside++;
      else expect(i.gridId).toBe(addresses.get(i.addressId)!.gridId);
    }
    // Jitter of a few metres can cross a boundary for buildings on it; nearly all resolve exactly.
    expect(inside / p.incidents.length).toBeGreaterThan(0.95);
  });
});
