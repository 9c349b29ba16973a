/**
 * The demo city's population: police (officers, units, vehicles, equipment) and society (residents, houses,
 * enterprises) plus a few years of historical incidents, generated from a `CityGeography` by
 * `generatePopulation` and written by `writePopulation`.
 *
 * Plain, JSON-serialisable data: dates are ISO strings (`YYYY-MM-DD`), times ISO instants in UTC, coordinates
 * WGS-84 `[lon, lat]` rounded to 6 decimals. Ids are stable strings derived from the seed and position.
 */
import type { Sex } from '../../contracts/resident-id.ts';
import type { CityScale, LonLat } from '../city.model.ts';

export type { Sex };

/** Skill codes: specific skills, then the six support modules (模块化支援) of seed paper 002. */
export const SKILLS = {
  e_forensics: { zh: '电子取证', kind: 'skill' },
  negotiation: { zh: '谈判', kind: 'skill' },
  riot_control: { zh: '处突', kind: 'skill' },
  traffic: { zh: '交通', kind: 'skill' },
  drone: { zh: '无人机', kind: 'skill' },
  first_aid: { zh: '急救', kind: 'skill' },
  foreign_language: { zh: '外语', kind: 'skill' },
  module_stability: { zh: '处突维稳', kind: 'module' },
  module_investigation: { zh: '侦查办案', kind: 'module' },
  module_tech_support: { zh: '技术支撑', kind: 'module' },
  module_public_order: { zh: '治安管理', kind: 'module' },
  module_traffic: { zh: '交通管理', kind: 'module' },
  module_community: { zh: '社区警务', kind: 'module' },
} as const satisfies Record<string, { zh: string; kind: 'skill' | 'module' }>;
export type SkillCode = keyof typeof SKILLS;

/** 人民警察警衔, lowest first. */
export const RANKS = [
  '二级警员',
  '一级警员',
  '三级警司',
  '二级警司',
  '一级警司',
  '三级警督',
  '二级警督',
  '一级警督',
  '三级警监',
] as const;
export type Rank = (typeof RANKS)[number];

/** What an officer mainly does at the station. */
export type OfficerPost = 'patrol' | 'community' | 'investigation' | 'tech' | 'traffic' | 'special' | 'command';

export interface OfficerSkill {
  skill: SkillCode;
  /** 1 basic, 2 proficient, 3 expert. */
  level: 1 | 2 | 3;
  /** Free detail, e.g. the language for foreign_language. */
  detail: string | null;
}

export interface Certification {
  id: string;
  officerId: string;
  name: string;
  issuedOn: string;
  expiresOn: string;
}

export interface Officer {
  id: string;
  /** 警号: 6 digits, unique. */
  policeNumber: string;
  name: string;
  sex: Sex;
  birthDate: string;
  /** Core-grade personal data. */
  idNumber: string;
  /** Important-grade personal data. */
  phone: string;
  rank: Rank;
  post: OfficerPost;
  /** Home station (station-level jurisdiction id). */
  stationId: string;
  /** The unit the officer crews by default, if any. */
  unitId: string | null;
  hiredOn: string;
  skills: OfficerSkill[];
}

export type UnitType = 'patrol_car' | 'motorbike' | 'foot' | 'special';

export interface Unit {
  id: string;
  /** 呼号, e.g. 江南01; unique in the city. */
  callSign: string;
  stationId: string;
  type: UnitType;
  homeBase: LonLat;
  vehicleId: string | null;
}

export type VehicleKind = 'sedan' | 'suv' | 'motorbike' | 'swat_van' | 'command_vehicle';

export interface Vehicle {
  id: string;
  /** e.g. 东A1234警 */
  plate: string;
  kind: VehicleKind;
  model: string;
  stationId: string;
  status: 'in_service' | 'maintenance';
}

export type EquipmentKind = 'body_camera' | 'radio' | 'taser' | 'drone' | 'bomb_robot' | 'mobile_command_vehicle';
export type EquipmentStatus = 'available' | 'in_use' | 'maintenance' | 'faulty';

export interface Equipment {
  id: string;
  kind: EquipmentKind;
  serial: string;
  model: string;
  status: EquipmentStatus;
  /** Interoperability standard (e.g. radios PDT vs DMR), null when none applies. */
  standard: string | null;
  stationId: string;
  officerId: string | null;
  unitId: string | null;
  vehicleId: string | null;
}

export type ResidentType = 'registered' | 'floating';
/** 重点人员 categories (a small share of adults). */
export type KeyCategory = 'released_offender' | 'community_correction' | 'drug_user' | 'mental_disorder' | 'petitioner';
export type HouseholdRelation = 'head' | 'spouse' | 'child' | 'parent' | 'other';

export interface Resident {
  id: string;
  name: string;
  sex: Sex;
  birthDate: string;
  /** Core-grade. */
  idNumber: string;
  /** Important-grade; null for young children. */
  phone: string | null;
  residentType: ResidentType;
  /** Region code of the household registration (户籍地); the city's county for registered residents. */
  hukouRegion: string;
  keyCategory: KeyCategory | null;
  /** 关爱对象: elderly living alone. */
  careCategory: 'elderly_alone' | null;
  householdId: string;
  relation: HouseholdRelation;
  houseId: string;
  addressId: string;
  /** Full standard address with room; important-grade. */
  address: string;
  /** The grid the address lies in. */
  gridId: string;
}

export type HouseUsage = 'owner_occupied' | 'rented' | 'vacant';

/** 一房一档: one room of a residential building. */
export interface House {
  id: string;
  addressId: string;
  gridId: string;
  /** e.g. 1单元302室 */
  room: string;
  /** Full standard address with room; important-grade. */
  address: string;
  floor: number;
  areaM2: number;
  usage: HouseUsage;
  /** The owner when they are a resident of the city; else the owner fields describe them. */
  ownerResidentId: string | null;
  ownerName: string;
  /** Core-grade. */
  ownerIdNumber: string;
  ownerPhone: string;
}

/** 一企一档. */
export interface Enterprise {
  id: string;
  name: string;
  /** 统一社会信用代码 (GB 32100). */
  creditCode: string;
  industry: string;
  /** 特种行业 (hotels, pawnshops, scrap metal, seal engraving, locksmiths) need police licensing. */
  specialTrade: boolean;
  legalRepName: string;
  /** Core-grade. */
  legalRepIdNumber: string;
  phone: string;
  employees: number;
  registeredOn: string;
  addressId: string;
  address: string;
  gridId: string;
}

export type IncidentCategory = 'criminal' | 'public_order' | 'traffic' | 'fire' | 'assistance' | 'dispute' | 'report';

export interface HistoricalIncident {
  id: string;
  category: IncidentCategory;
  /** `category.sub`, e.g. `criminal.burglary`; see INCIDENT_TYPES. */
  subType: string;
  /** 1 = I (特别重大) … 4 = IV (一般). */
  severity: 1 | 2 | 3 | 4;
  reportedAt: string;
  closedAt: string;
  location: LonLat;
  /** Nearest standard address (traffic incidents happen on the road near it). */
  addressId: string;
  /** The standard address (traffic: 江滨路 128 号附近). */
  address: string;
  gridId: string;
  channel: 'phone' | 'sms' | 'app' | 'walk_in';
  disposition: string;
  /** Ground truth for analytics tests: the hotspot that produced it, or the burglary it near-repeats. */
  truth: { hotspot: number | null; nearRepeatOf: string | null };
}

/** A planted hotspot (ground truth for hotspot detection). */
export interface Hotspot {
  index: number;
  center: LonLat;
  radiusM: number;
  addressIds: string[];
}

export interface Population {
  seed: number;
  scale: CityScale;
  /** The reference date ("today") of the data: certification expiry, ages and the incident window end. */
  asOf: string;
  officers: Officer[];
  certifications: Certification[];
  units: Unit[];
  vehicles: Vehicle[];
  equipment: Equipment[];
  residents: Resident[];
  houses: House[];
  enterprises: Enterprise[];
  incidents: HistoricalIncident[];
  hotspots: Hotspot[];
}
