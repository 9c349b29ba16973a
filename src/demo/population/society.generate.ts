/**
 * Residents, houses and enterprises (一标三实: standard address + actual residents, houses, organisations).
 *
 * Rooms of residential buildings are houses (一房一档): a share of them, chosen to reach the resident target,
 * is occupied by one household of 1-5 people (couples, children, grandparents), registered (户籍) or floating
 * (流动); a realistic share of empty rooms is filed too (VACANCY_SHARE). Owners live there, or rent it out: then the owner is another resident or someone
 * from outside the city. Commercial and industrial buildings hold enterprises (一企一档) with valid unified
 * social credit codes.
 */
import { creditCodeCheckChar, orgCodeCheckChar } from '../../contracts/credit-code.ts';
import type { Sex } from '../../contracts/resident-id.ts';
import type { CityAddress, CityGeography } from '../city.model.ts';
import { formatAddress } from '../../server/modules/geo/address.text.ts';
import { ageAt, birthDateForAge, dayNumber, isoDate, type IdentityPool } from './identity.ts';
import { fullName, surname } from './names.ts';
import type {
  Enterprise,
  HouseholdRelation,
  House,
  Hotspot,
  KeyCategory,
  Resident,
  ResidentType,
} from './population.model.ts';
import { Weighted, type Rng } from './random.ts';

export interface SocietyOptions {
  /** Residents wanted; capped by the rooms the geography offers. */
  residents: number;
  asOf: string;
}

export interface Society {
  residents: Resident[];
  houses: House[];
  enterprises: Enterprise[];
}

/** Mean household size of the size distributions below (≈ 2.6, close to the 2020 census' 2.62). */
const MEAN_HOUSEHOLD = 2.6;
const SIZE_REGISTERED = Weighted.of([
  [1, 22],
  [2, 30],
  [3, 24],
  [4, 14],
  [5, 10],
]);
const SIZE_FLOATING = Weighted.of([
  [1, 40],
  [2, 30],
  [3, 20],
  [4, 10],
]);
const KEY_CATEGORIES = Weighted.of<KeyCategory>([
  ['released_offender', 30],
  ['community_correction', 15],
  ['drug_user', 20],
  ['mental_disorder', 25],
  ['petitioner', 10],
]);
/** Share of adults who are key persons (重点人员). */
const KEY_SHARE = 0.006;
const FLOATING_SHARE = 0.25;
/**
 * Share of filed houses that stand empty. Only occupied rooms and this share of empty ones are filed: the
 * geography may offer many more rooms than the resident target fills (about 1.1M rooms for 200k residents at
 * `city`), and filing every empty one would multiply the seed time for no use.
 */
const VACANCY_SHARE = 0.12;

interface Member {
  relation: HouseholdRelation;
  sex: Sex;
  age: number;
  familyName?: string;
}

/** Who lives in a household of `size`, ages on the reference date. */
function composeHousehold(rng: Rng, size: number, floating: boolean): Member[] {
  const clampAge = (a: number): number => Math.max(0, Math.min(98, Math.round(a)));
  if (size === 1) {
    const age = floating
      ? rng.range(18, 45)
      : rng.chance(0.4)
        ? rng.range(20, 35)
        : rng.chance(0.45)
          ? rng.range(36, 59)
          : rng.range(60, 92);
    return [{ relation: 'head', sex: rng.chance(0.5) ? 'M' : 'F', age }];
  }
  const headSex: Sex = rng.chance(0.7) ? 'M' : 'F';
  const other: Sex = headSex === 'M' ? 'F' : 'M';
  if (size === 2 && rng.chance(0.3)) {
    // One parent and a child, or an old parent living with an adult child.
    const head = rng.range(32, 62);
    return [
      { relation: 'head', sex: headSex, age: head },
      { relation: 'child', sex: rng.chance(0.52) ? 'M' : 'F', age: clampAge(head - rng.range(22, 36)) },
    ];
  }
  const headAge =
    size === 2 ? (floating ? rng.range(20, 45) : rng.range(24, 85)) : floating ? rng.range(26, 45) : rng.range(28, 55);
  const spouseAge = clampAge(headAge + (headSex === 'M' ? -2 : 2) + rng.normal() * 3);
  const members: Member[] = [
    { relation: 'head', sex: headSex, age: headAge },
    { relation: 'spouse', sex: other, age: Math.max(20, spouseAge) },
  ];
  const motherAge = headSex === 'F' ? headAge : Math.max(20, spouseAge);
  const children = size === 3 ? 1 : size === 4 ? (rng.chance(0.6) ? 2 : 1) : rng.chance(0.4) ? 2 : 1;
  for (let c = 0; c < children; c++) {
    members.push({
      relation: 'child',
      sex: rng.chance(0.52) ? 'M' : 'F',
      age: clampAge(motherAge - rng.range(22, 38)),
    });
  }
  while (members.length < size) {
    members.push({
      relation: 'parent',
      sex: rng.chance(0.45) ? 'M' : 'F',
      age: clampAge(Math.min(95, headAge + rng.range(24, 34))),
    });
  }
  return members;
}

/** A region code outside the city for people registered elsewhere (fictional provinces 91-95). */
function otherRegion(rng: Rng): string {
  const province = 91 + rng.int(5);
  const city = province === 91 ? rng.range(2, 9) : rng.range(1, 9);
  return `${province}${String(city).padStart(2, '0')}${String(rng.range(1, 12)).padStart(2, '0')}`;
}

/** Builds residents, houses and enterprises over the geography's addresses. */
export function generateSociety(
  geo: CityGeography,
  rng: Rng,
  ids: IdentityPool,
  hotspots: readonly Hotspot[],
  opts: SocietyOptions,
): Society {
  const parent = new Map(geo.jurisdictions.map((j) => [j.id, j]));
  const countyCache = new Map<string, string>();
  const countyOf = (gridId: string): string => {
    let c = countyCache.get(gridId);
    if (c) return c;
    let j = parent.get(gridId);
    while (j && j.level !== 'county' && j.parentId) j = parent.get(j.parentId);
    c = j && j.level === 'county' ? j.id : gridId.slice(0, 6);
    countyCache.set(gridId, c);
    return c;
  };

  const residential = geo.addresses.filter((a) => a.kind === 'residential');
  const roomsOf = (a: CityAddress): number => Math.max(0, a.units * a.floors * a.roomsPerFloor);
  const totalRooms = residential.reduce((s, a) => s + roomsOf(a), 0);
  const households = Math.min(totalRooms, Math.round(opts.residents / MEAN_HOUSEHOLD));
  // Filed vacant rooms: VACANCY_SHARE of all filed houses, or every remaining room when there are fewer.
  const vacant = Math.min(totalRooms - households, Math.round((households * VACANCY_SHARE) / (1 - VACANCY_SHARE)));
  // Room states: 0 not filed, 1 occupied, 2 filed vacant; drawn by a partial Fisher-Yates over room numbers.
  const state = new Uint8Array(totalRooms);
  {
    const order = new Uint32Array(totalRooms);
    for (let i = 0; i < totalRooms; i++) order[i] = i;
    for (let i = 0; i < households + vacant; i++) {
      const j = i + rng.int(totalRooms - i);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
      state[order[i]!] = i < households ? 1 : 2;
    }
  }

  const society: Society = { residents: [], houses: [], enterprises: [] };
  const owners: Resident[] = [];
  let roomNo = 0;
  let householdSeq = 0;
  for (const address of residential) {
    const county = countyOf(address.gridId);
    for (let u = 1; u <= address.units; u++) {
      for (let f = 1; f <= address.floors; f++) {
        for (let r = 1; r <= address.roomsPerFloor; r++) {
          const roomState = state[roomNo++]!;
          if (roomState === 0) continue;
          const room = `${u}单元${f}${String(r).padStart(2, '0')}室`;
          const house: House = {
            id: `house-${String(roomNo).padStart(7, '0')}`,
            addressId: address.id,
            gridId: address.gridId,
            room,
            address: formatAddress(address) + room,
            floor: f,
            areaM2: Math.round(45 + rng.float() * 95),
            usage: 'vacant',
            ownerResidentId: null,
            ownerName: '',
            ownerIdNumber: '',
            ownerPhone: '',
          };
          let head: Resident | null = null;
          if (roomState === 1) {
            const floating = rng.chance(FLOATING_SHARE);
            const renting = floating ? rng.chance(0.9) : rng.chance(0.2);
            house.usage = renting ? 'rented' : 'owner_occupied';
            const size = (floating ? SIZE_FLOATING : SIZE_REGISTERED).sample(rng);
            const householdId = `hh-${String(++householdSeq).padStart(7, '0')}`;
            const members = composeHousehold(rng, size, floating);
            const familyRegion = floating ? otherRegion(rng) : county;
            let fatherName: string | undefined;
            let motherName: string | undefined;
            for (const m of members) {
              const residentType: ResidentType = floating ? 'floating' : 'registered';
              const birthDate = birthDateForAge(rng, opts.asOf, m.age, m.age);
              let family: string | undefined;
              if (m.relation === 'child') family = rng.chance(0.92) ? fatherName : motherName;
              const name = fullName(rng, m.sex, Number(birthDate.slice(0, 4)), family);
              const famName =
                name.length >= 4 && /^(欧阳|司马|诸葛|上官)/.test(name) ? name.slice(0, 2) : name.slice(0, 1);
              if (m.relation === 'head' || m.relation === 'spouse') {
                if (m.sex === 'M') fatherName = famName;
                else motherName = famName;
              }
              // Children born here are registered here even in floating families half the time.
              const region = floating && m.relation === 'child' && rng.chance(0.5) ? county : familyRegion;
              const resident: Resident = {
                id: `res-${String(society.residents.length + 1).padStart(7, '0')}`,
                name,
                sex: m.sex,
                birthDate,
                idNumber: ids.idNumber(region, birthDate, m.sex),
                phone: m.age >= 12 && rng.chance(m.age > 75 ? 0.8 : 0.97) ? ids.mobile() : null,
                residentType,
                hukouRegion: region,
                keyCategory: m.age >= 18 && rng.chance(KEY_SHARE) ? KEY_CATEGORIES.sample(rng) : null,
                careCategory: size === 1 && m.age >= 70 ? 'elderly_alone' : null,
                householdId,
                relation: m.relation,
                houseId: house.id,
                addressId: address.id,
                address: house.address,
                gridId: address.gridId,
              };
              society.residents.push(resident);
              if (m.relation === 'head') head = resident;
            }
          }
          if (head && house.usage === 'owner_occupied') {
            setOwner(house, head);
            owners.push(head);
          } else if (owners.length > 0 && rng.chance(0.4)) {
            setOwner(house, rng.pick(owners)); // a resident's second home
          } else {
            const sex: Sex = rng.chance(0.5) ? 'M' : 'F';
            const birthDate = birthDateForAge(rng, opts.asOf, 28, 75);
            house.ownerName = fullName(rng, sex, Number(birthDate.slice(0, 4)));
            house.ownerIdNumber = ids.idNumber(rng.chance(0.6) ? county : otherRegion(rng), birthDate, sex);
            house.ownerPhone = ids.mobile();
          }
          society.houses.push(house);
        }
      }
    }
  }

  const adults = society.residents.filter((r) => r.phone !== null && ageAt(r.birthDate, opts.asOf) >= 25);
  society.enterprises = generateEnterprises(geo, rng, ids, hotspots, adults, countyOf, opts.asOf);
  return society;
}

function setOwner(house: House, owner: Resident): void {
  house.ownerResidentId = owner.id;
  house.ownerName = owner.name;
  house.ownerIdNumber = owner.idNumber;
  house.ownerPhone = owner.phone ?? '';
}

interface Industry {
  name: string;
  /** Company name word (有限公司) and shop word (个体工商户), when individual businesses exist. */
  company: string;
  shop: string | null;
  special: boolean;
}

const IND = (name: string, company: string, shop: string | null, special = false): Industry => ({
  name,
  company,
  shop,
  special,
});
const COMMERCIAL = Weighted.of<Industry>([
  [IND('餐饮', '餐饮管理', '小吃店'), 25],
  [IND('零售', '商贸', '便利店'), 25],
  [IND('住宿', '酒店管理', '旅馆', true), 6],
  [IND('娱乐', '娱乐', 'KTV'), 6],
  [IND('美容美发', '美容美发', '理发店'), 8],
  [IND('教育培训', '教育科技', null), 5],
  [IND('汽车维修', '汽车服务', '汽修店'), 5],
  [IND('信息技术', '信息技术', null), 6],
  [IND('金融', '投资咨询', null), 3],
  [IND('典当', '典当', null, true), 1],
  [IND('开锁', '开锁服务', '开锁店', true), 1],
  [IND('印章刻制', '印章', '刻章店', true), 1],
]);
const NIGHTLIFE = Weighted.of<Industry>([
  [IND('娱乐', '娱乐', '酒吧'), 40],
  [IND('餐饮', '餐饮管理', '烧烤店'), 40],
  [IND('住宿', '酒店管理', '旅馆', true), 20],
]);
const INDUSTRIAL = Weighted.of<Industry>([
  [IND('制造', '机械制造', null), 50],
  [IND('物流', '物流', null), 20],
  [IND('建筑', '建设工程', null), 15],
  [IND('仓储', '仓储服务', null), 10],
  [IND('废旧金属收购', '再生资源回收', '废品收购站', true), 5],
]);
const TRADE_CHARS = '恒达鑫源华信宏远金鼎瑞丰永安嘉禾天成盛世众诚博雅中兴汇通联创德利祥和富康隆泰昌明';

function generateEnterprises(
  geo: CityGeography,
  rng: Rng,
  ids: IdentityPool,
  hotspots: readonly Hotspot[],
  adults: readonly Resident[],
  countyOf: (gridId: string) => string,
  asOf: string,
): Enterprise[] {
  const cityName = (geo.jurisdictions.find((j) => j.level === 'city')?.name ?? '江州市').replace(/市$/, '');
  const inHotspot = new Set(hotspots.flatMap((h) => h.addressIds));
  const names = new Set<string>();
  const codes = new Set<string>();
  const out: Enterprise[] = [];
  const today = dayNumber(asOf);
  for (const address of geo.addresses) {
    if (address.kind !== 'commercial' && address.kind !== 'industrial') continue;
    const industrial = address.kind === 'industrial';
    const count = industrial ? rng.range(1, 3) : 1 + Math.floor(rng.exponential(1.2));
    for (let k = 0; k < Math.min(count, 8); k++) {
      const dist = industrial ? INDUSTRIAL : inHotspot.has(address.id) && rng.chance(0.6) ? NIGHTLIFE : COMMERCIAL;
      const industry = dist.sample(rng);
      const individual = industry.shop !== null && !industrial && rng.chance(0.35);
      let name = '';
      for (let attempt = 0; attempt < 20 && (name === '' || names.has(name)); attempt++) {
        const trade = TRADE_CHARS[rng.int(TRADE_CHARS.length)]! + TRADE_CHARS[rng.int(TRADE_CHARS.length)]!;
        name = individual ? `${surname(rng)}记${industry.shop}` : `${cityName}${trade}${industry.company}有限公司`;
      }
      if (names.has(name)) name = `${name}(${address.doorNumber}号店)`;
      names.add(name);
      let code = '';
      while (code === '' || codes.has(code)) {
        const org = String(rng.int(100_000_000)).padStart(8, '0');
        const body = `9${individual ? '2' : '1'}${countyOf(address.gridId)}${org}${orgCodeCheckChar(org)}`;
        code = body + creditCodeCheckChar(body);
      }
      codes.add(code);
      let legalRepName: string;
      let legalRepIdNumber: string;
      let phone: string;
      if (adults.length > 0 && rng.chance(0.5)) {
        const rep = rng.pick(adults);
        legalRepName = rep.name;
        legalRepIdNumber = rep.idNumber;
        phone = rep.phone!;
      } else {
        const sex: Sex = rng.chance(0.7) ? 'M' : 'F';
        const birthDate = birthDateForAge(rng, asOf, 25, 68);
        legalRepName = fullName(rng, sex, Number(birthDate.slice(0, 4)));
        legalRepIdNumber = ids.idNumber(otherRegion(rng), birthDate, sex);
        phone = ids.mobile();
      }
      const employees = individual
        ? rng.range(1, 8)
        : Math.max(1, Math.round(Math.exp((industrial ? 3.5 : 2.3) + rng.normal())));
      out.push({
        id: `ent-${String(out.length + 1).padStart(6, '0')}`,
        name,
        creditCode: code,
        industry: industry.name,
        specialTrade: industry.special,
        legalRepName,
        legalRepIdNumber,
        phone,
        employees,
        registeredOn: isoDate(today - 30 - rng.int(20 * 365)),
        addressId: address.id,
        address: formatAddress(address),
        gridId: address.gridId,
      });
    }
  }
  return out;
}
