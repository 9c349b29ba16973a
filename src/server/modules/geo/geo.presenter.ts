/** What leaves the server of an address: its record with the full text (buildings' addresses are not personal data). */
import { formatAddress } from './address.text.ts';
import type { AddressRecord } from './geo.repository.ts';
import type { Address } from './geo.schemas.ts';

/** An address record as the API shows it. */
export function presentAddress(a: AddressRecord): Address {
  return {
    id: a.id,
    gridId: a.gridId,
    text: formatAddress(a),
    province: a.province,
    city: a.city,
    district: a.district,
    street: a.street,
    roadName: a.roadName,
    doorNumber: a.doorNumber,
    community: a.community,
    building: a.building,
    units: a.units,
    floors: a.floors,
    roomsPerFloor: a.roomsPerFloor,
    kind: a.kind,
    location: [a.lon, a.lat],
  };
}
