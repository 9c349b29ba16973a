/**
 * The police side of the demo city: for each station its patrol units (with home base and vehicle), officers
 * (ranks, posts, skills and the six support modules, certifications), vehicles and equipment; each county
 * also gets a special (特警) unit, a bomb robot and a mobile command vehicle at its first station.
 */
import type { CityGeography, CityStation } from '../city.model.ts';
import { ageAt, birthDateForAge, dayNumber, isoDate, type IdentityPool } from './identity.ts';
import { fullName } from './names.ts';
import type {
  Certification,
  Equipment,
  EquipmentKind,
  EquipmentStatus,
  Officer,
  OfficerPost,
  OfficerSkill,
  Rank,
  SkillCode,
  Unit,
  UnitType,
  Vehicle,
  VehicleKind,
} from './population.model.ts';
import { RANKS } from './population.model.ts';
import { Weighted, type Rng } from './random.ts';

export interface PoliceOptions {
  /** Officers per station (≈50 at `city`: 40 stations → 2,000). */
  officersPerStation: number;
  /** Patrol units per station, fractional allowed (7.5 at `city`: 40 stations → 300). */
  unitsPerStation: number;
  asOf: string;
}

export interface PoliceForce {
  officers: Officer[];
  certifications: Certification[];
  units: Unit[];
  vehicles: Vehicle[];
  equipment: Equipment[];
}

/** Unit types in the order a station adds them. */
const UNIT_SEQUENCE: UnitType[] = [
  'patrol_car',
  'patrol_car',
  'motorbike',
  'foot',
  'patrol_car',
  'motorbike',
  'patrol_car',
  'foot',
];
const CREW: Record<UnitType, number> = { patrol_car: 2, motorbike: 1, foot: 2, special: 5 };
/** Rosters cover three shifts: a unit's default crew list is three times its seats. */
const SHIFTS = 3;

const VEHICLE_MODELS: Record<VehicleKind, string[]> = {
  sedan: ['大众帕萨特', '丰田卡罗拉', '比亚迪汉 EV', '吉利帝豪'],
  suv: ['哈弗 H6', '比亚迪唐 EV', '丰田汉兰达'],
  motorbike: ['春风 650', '本田 CB400', '宗申赛科龙'],
  swat_van: ['依维柯特警运兵车', '猛士特警突击车'],
  command_vehicle: ['依维柯移动指挥车'],
};

const EQUIPMENT_MODELS: Record<EquipmentKind, string[]> = {
  body_camera: ['DSJ-V9', 'DSJ-A8', 'DSJ-H6'],
  radio: ['PDT-T800', 'PDT-X6', 'DMR-D300'],
  taser: ['CX-2 电击器'],
  drone: ['警用四旋翼 M30', '警用多旋翼 X8'],
  bomb_robot: ['排爆机器人 EOD-3'],
  mobile_command_vehicle: ['5G 移动指挥系统'],
};

const STATUS_DIST = Weighted.of<EquipmentStatus>([
  ['in_use', 68],
  ['available', 22],
  ['maintenance', 7],
  ['faulty', 3],
]);

const LANGUAGES = ['英语', '英语', '英语', '日语', '韩语', '俄语', '越南语', '法语'];

/** Certification name and validity in years, per skill or post. */
const CERTS: Partial<Record<SkillCode | 'firearm' | 'driving', { name: string; years: number }>> = {
  firearm: { name: '公务用枪持枪证', years: 1 },
  driving: { name: '警车驾驶许可', years: 6 },
  drone: { name: '民用无人机驾驶员执照', years: 2 },
  first_aid: { name: '红十字救护员证', years: 3 },
  e_forensics: { name: '电子数据取证资格', years: 3 },
  negotiation: { name: '危机谈判专家资格', years: 3 },
  riot_control: { name: '处突技能考核合格证', years: 2 },
};

/** The station's short name for call signs: 江南派出所 → 江南. */
function shortName(station: CityStation): string {
  return station.name.replace(/(派出所|公安分局|分局|警务站)$/, '') || station.id.slice(-3);
}

/** Rank from years of service; command posts one step higher. */
function rankFor(years: number, post: OfficerPost): Rank {
  const steps = [2, 4, 7, 11, 15, 20, 26];
  let i = steps.findIndex((s) => years < s);
  if (i < 0) i = steps.length;
  if (post === 'command') i += 1;
  return RANKS[Math.min(i, RANKS.length - 2)]!;
}

/** Builds the police force of every station. */
export function generatePolice(geo: CityGeography, rng: Rng, ids: IdentityPool, opts: PoliceOptions): PoliceForce {
  const parent = new Map(geo.jurisdictions.map((j) => [j.id, j.parentId]));
  const communitiesOf = new Map<string, number>();
  for (const j of geo.jurisdictions) {
    if (j.level === 'community' && j.parentId) communitiesOf.set(j.parentId, (communitiesOf.get(j.parentId) ?? 0) + 1);
  }
  const stations = [...geo.stations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const countyOf = (stationId: string): string => parent.get(stationId) ?? stationId.slice(0, 6);
  const counties = [...new Set(stations.map((s) => countyOf(s.id)))];
  const firstStationOfCounty = new Map<string, string>();
  for (const s of stations)
    if (!firstStationOfCounty.has(countyOf(s.id))) firstStationOfCounty.set(countyOf(s.id), s.id);
  // One county still runs legacy DMR radios: the interoperability problem mutual deployment must see.
  const dmrCounty = counties.length > 1 ? counties[counties.length - 1] : undefined;

  const force: PoliceForce = { officers: [], certifications: [], units: [], vehicles: [], equipment: [] };
  const callSigns = new Set<string>();
  const plates = new Set<string>();
  const policeNumbers = new Set<string>();
  let specialSeq = 0;

  const plate = (): string => {
    for (;;) {
      const p = `东A${String(rng.int(10_000)).padStart(4, '0')}警`;
      if (!plates.has(p)) {
        plates.add(p);
        return p;
      }
    }
  };
  const policeNumber = (): string => {
    for (;;) {
      const n = String(100_000 + rng.int(900_000));
      if (!policeNumbers.has(n)) {
        policeNumbers.add(n);
        return n;
      }
    }
  };

  stations.forEach((station, si) => {
    const county = countyOf(station.id);
    const home: [number, number] = [station.location[0], station.location[1]];
    let eqSeq = 0;
    let vehSeq = 0;
    const addVehicle = (kind: VehicleKind): Vehicle => {
      const v: Vehicle = {
        id: `veh-${station.id}-${String(++vehSeq).padStart(2, '0')}`,
        plate: plate(),
        kind,
        model: rng.pick(VEHICLE_MODELS[kind]),
        stationId: station.id,
        status: rng.chance(0.06) ? 'maintenance' : 'in_service',
      };
      force.vehicles.push(v);
      return v;
    };
    const addEquipment = (
      kind: EquipmentKind,
      owner: Partial<Pick<Equipment, 'officerId' | 'unitId' | 'vehicleId'>>,
      standard: string | null,
    ): void => {
      const seq = ++eqSeq;
      force.equipment.push({
        id: `eq-${station.id}-${String(seq).padStart(4, '0')}`,
        kind,
        serial: `${kind.slice(0, 2).toUpperCase()}${station.id.slice(-5)}${String(seq).padStart(4, '0')}`,
        model: rng.pick(EQUIPMENT_MODELS[kind]),
        status: STATUS_DIST.sample(rng),
        standard,
        stationId: station.id,
        officerId: owner.officerId ?? null,
        unitId: owner.unitId ?? null,
        vehicleId: owner.vehicleId ?? null,
      });
    };

    // Units: the fractional part of unitsPerStation alternates between stations.
    const whole = Math.floor(opts.unitsPerStation);
    const unitCount = Math.max(1, whole + (si % 2 === 0 && opts.unitsPerStation - whole >= 0.5 ? 1 : 0));
    const types: UnitType[] = Array.from({ length: unitCount }, (_, i) => UNIT_SEQUENCE[i % UNIT_SEQUENCE.length]!);
    if (firstStationOfCounty.get(county) === station.id) types.push('special');
    const short = shortName(station);
    const stationUnits: Unit[] = [];
    let seq = 0;
    for (const type of types) {
      let callSign: string;
      if (type === 'special') callSign = `特警${String(++specialSeq).padStart(2, '0')}`;
      else {
        do callSign = `${short}${String(++seq).padStart(2, '0')}`;
        while (callSigns.has(callSign));
      }
      if (callSigns.has(callSign)) callSign = `${callSign}${station.id.slice(-3)}`;
      callSigns.add(callSign);
      const vehicle =
        type === 'patrol_car'
          ? addVehicle(rng.chance(0.7) ? 'sedan' : 'suv')
          : type === 'motorbike'
            ? addVehicle('motorbike')
            : type === 'special'
              ? addVehicle('swat_van')
              : null;
      const unit: Unit = {
        id: `unit-${station.id}-${String(stationUnits.length + 1).padStart(2, '0')}`,
        callSign,
        stationId: station.id,
        type,
        homeBase: home,
        vehicleId: vehicle?.id ?? null,
      };
      stationUnits.push(unit);
      force.units.push(unit);
      if (type === 'patrol_car') addEquipment('taser', { unitId: unit.id }, null);
      if (type === 'special') {
        addEquipment('taser', { unitId: unit.id }, null);
        addEquipment('taser', { unitId: unit.id }, null);
        addEquipment('drone', { unitId: unit.id }, 'GA/T 1411');
        addEquipment('bomb_robot', { unitId: unit.id }, null);
      }
    }
    if (firstStationOfCounty.get(county) === station.id) {
      const cmd = addVehicle('command_vehicle');
      addEquipment('mobile_command_vehicle', { vehicleId: cmd.id }, county === dmrCounty ? 'DMR' : 'PDT');
    }
    addEquipment('drone', {}, 'GA/T 1411');

    // Posts: command, one community officer per community, crews for every unit over three shifts, then
    // investigation, tech and traffic; the remaining officers are patrol reserves.
    const posts: { post: OfficerPost; unit: Unit | null }[] = [
      { post: 'command', unit: null },
      { post: 'command', unit: null },
    ];
    for (let c = 0; c < Math.max(1, communitiesOf.get(station.id) ?? 1); c++)
      posts.push({ post: 'community', unit: null });
    for (const unit of stationUnits) {
      for (let k = 0; k < CREW[unit.type] * SHIFTS; k++)
        posts.push({ post: unit.type === 'special' ? 'special' : 'patrol', unit });
    }
    const target = Math.max(opts.officersPerStation, posts.length);
    const rest = target - posts.length;
    for (let k = 0; k < rest; k++) {
      const r = k / Math.max(1, rest);
      posts.push({ post: r < 0.45 ? 'investigation' : r < 0.6 ? 'tech' : r < 0.75 ? 'traffic' : 'patrol', unit: null });
    }
    // Crews fill seats only up to the target: small stations keep fewer shifts.
    const chosen = posts.slice(0, target);

    chosen.forEach(({ post, unit }, oi) => {
      const sex = post === 'special' || rng.chance(0.86) ? 'M' : 'F';
      const birthDate = birthDateForAge(rng, opts.asOf, post === 'command' ? 38 : 23, post === 'command' ? 56 : 57);
      const age = ageAt(birthDate, opts.asOf);
      const serviceYears = Math.max(0, age - rng.range(22, 27));
      const hiredOn = isoDate(dayNumber(opts.asOf) - serviceYears * 365 - rng.int(300));
      const officer: Officer = {
        id: `off-${station.id}-${String(oi + 1).padStart(3, '0')}`,
        policeNumber: policeNumber(),
        name: fullName(rng, sex, Number(birthDate.slice(0, 4))),
        sex,
        birthDate,
        idNumber: ids.idNumber(
          rng.chance(0.8)
            ? county
            : `91${String(rng.range(2, 9)).padStart(2, '0')}${String(rng.range(1, 6)).padStart(2, '0')}`,
          birthDate,
          sex,
        ),
        phone: ids.mobile(),
        rank: rankFor(serviceYears, post),
        post,
        stationId: station.id,
        unitId: unit?.id ?? null,
        hiredOn,
        skills: skillsFor(rng, post),
      };
      force.officers.push(officer);
      for (const cert of certificationsFor(rng, officer, unit?.type ?? null, opts.asOf))
        force.certifications.push(cert);
      if (post !== 'command')
        addEquipment('body_camera', { officerId: officer.id }, rng.chance(0.88) ? 'GA/T 947' : 'proprietary');
      addEquipment('radio', { officerId: officer.id }, county === dmrCounty || rng.chance(0.08) ? 'DMR' : 'PDT');
    });
  });
  return force;
}

const PRIMARY_MODULE: Record<OfficerPost, SkillCode[]> = {
  patrol: ['module_stability', 'module_public_order'],
  community: ['module_community'],
  investigation: ['module_investigation'],
  tech: ['module_tech_support'],
  traffic: ['module_traffic'],
  special: ['module_stability'],
  command: ['module_stability', 'module_investigation', 'module_public_order'],
};

/** Chance of each specific skill by post. */
const SKILL_CHANCE: Record<OfficerPost, Partial<Record<SkillCode, number>>> = {
  patrol: { first_aid: 0.4, riot_control: 0.3, traffic: 0.15, negotiation: 0.05, drone: 0.05, foreign_language: 0.06 },
  community: { first_aid: 0.4, negotiation: 0.12, foreign_language: 0.05, drone: 0.03 },
  investigation: { e_forensics: 0.2, negotiation: 0.1, first_aid: 0.2, foreign_language: 0.08 },
  tech: { e_forensics: 0.85, drone: 0.4, foreign_language: 0.1 },
  traffic: { traffic: 0.95, first_aid: 0.5, drone: 0.1 },
  special: { riot_control: 1, first_aid: 0.6, negotiation: 0.15, drone: 0.25 },
  command: { negotiation: 0.3, riot_control: 0.3, first_aid: 0.3 },
};

function skillsFor(rng: Rng, post: OfficerPost): OfficerSkill[] {
  const level = (): 1 | 2 | 3 => (rng.chance(0.15) ? 3 : rng.chance(0.45) ? 2 : 1);
  const skills: OfficerSkill[] = [{ skill: rng.pick(PRIMARY_MODULE[post]), level: level(), detail: null }];
  // A second module for some: officers cross-trained for modular support.
  if (rng.chance(0.2)) {
    const other = rng.pick(Object.values(PRIMARY_MODULE).flat());
    if (!skills.some((s) => s.skill === other)) skills.push({ skill: other, level: 1, detail: null });
  }
  for (const [skill, p] of Object.entries(SKILL_CHANCE[post]) as [SkillCode, number][]) {
    if (rng.chance(p))
      skills.push({ skill, level: level(), detail: skill === 'foreign_language' ? rng.pick(LANGUAGES) : null });
  }
  return skills;
}

function certificationsFor(rng: Rng, officer: Officer, unitType: UnitType | null, asOf: string): Certification[] {
  const kinds: (keyof typeof CERTS)[] = [];
  if (officer.post === 'patrol' || officer.post === 'special' || officer.post === 'command') kinds.push('firearm');
  if (unitType === 'patrol_car' || unitType === 'special' || unitType === 'motorbike') kinds.push('driving');
  for (const s of officer.skills) if (CERTS[s.skill]) kinds.push(s.skill);
  const today = dayNumber(asOf);
  return kinds.map((kind, i) => {
    const { name, years } = CERTS[kind]!;
    // Issued up to 1.1 validity periods ago: about one in ten has lapsed on the reference date.
    const issued = today - rng.int(Math.round(years * 365 * 1.1));
    return {
      id: `cert-${officer.id.slice(4)}-${i + 1}`,
      officerId: officer.id,
      name,
      issuedOn: isoDate(issued),
      expiresOn: isoDate(issued + Math.round(years * 365.25)),
    };
  });
}
