/** Request and response schemas of the geo routes. */
import { Type, type Static } from 'typebox';
import { ROAD_CLASSES } from './road.speeds.ts';

const Lon = Type.Number({ description: 'longitude, WGS-84 degrees' });
const Lat = Type.Number({ description: 'latitude, WGS-84 degrees' });
const Level = Type.Union([
  Type.Literal('province'),
  Type.Literal('city'),
  Type.Literal('county'),
  Type.Literal('station'),
  Type.Literal('community'),
  Type.Literal('grid'),
]);
const LonLatText = Type.String({ maxLength: 64, description: '"lon,lat" in WGS-84 degrees, e.g. 113.30,23.10' });
const Instant = Type.String({ format: 'date-time', description: 'departure time (speed profile band); default now' });

export const LayerParams = Type.Object(
  {
    layer: Type.Union(
      [
        Type.Literal('roads'),
        Type.Literal('water'),
        Type.Literal('jurisdictions'),
        Type.Literal('stations'),
        Type.Literal('units'),
      ],
      { description: 'roads | water | jurisdictions | stations | units' },
    ),
  },
  { additionalProperties: false },
);

export const LayerQuery = Type.Object(
  {
    bbox: Type.Optional(Type.String({ maxLength: 100, description: 'roads only: "west,south,east,north"' })),
    minClass: Type.Optional(
      Type.Union(
        ROAD_CLASSES.map((c) => Type.Literal(c)),
        { description: 'roads only: least important class to include, e.g. primary' },
      ),
    ),
    level: Type.Optional(Level),
  },
  { additionalProperties: false },
);

const Feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Object({ type: Type.String(), coordinates: Type.Unknown() }),
  properties: Type.Record(Type.String(), Type.Unknown()),
});

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Feature),
});

export const PointQuery = Type.Object({ lon: Lon, lat: Lat }, { additionalProperties: false });

const JurisdictionRef = Type.Object({ id: Type.String(), level: Level, name: Type.String() });

export const ResolveResponse = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  grid: JurisdictionRef,
  community: Type.Optional(JurisdictionRef),
  station: Type.Optional(JurisdictionRef),
  county: Type.Optional(JurisdictionRef),
  city: Type.Optional(JurisdictionRef),
  province: Type.Optional(JurisdictionRef),
});

export const Address = Type.Object({
  id: Type.String(),
  gridId: Type.String(),
  text: Type.String({ description: 'the full standard address' }),
  province: Type.String(),
  city: Type.String(),
  district: Type.String(),
  street: Type.String(),
  roadName: Type.String(),
  doorNumber: Type.Integer(),
  community: Type.String(),
  building: Type.String(),
  units: Type.Integer(),
  floors: Type.Integer(),
  roomsPerFloor: Type.Integer(),
  kind: Type.String(),
  location: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
});
export type Address = Static<typeof Address>;

export const TextQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: 200 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) },
  { additionalProperties: false },
);

const Match = Type.Object({ address: Address, score: Type.Number() });

export const GeocodeResponse = Type.Object({
  query: Type.String(),
  location: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
  exact: Type.Boolean({ description: 'true when the text names the address itself, not just its street' }),
  address: Address,
  score: Type.Number(),
  unit: Type.Optional(Type.Integer()),
  room: Type.Optional(Type.Integer()),
  alternatives: Type.Array(Match),
});

export const ReverseResponse = Type.Object({ address: Address, distanceM: Type.Number() });

export const SearchResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      type: Type.Union([Type.Literal('address'), Type.Literal('station'), Type.Literal('unit')]),
      id: Type.String(),
      label: Type.String(),
      location: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
      score: Type.Number(),
    }),
  ),
});

export const RouteQuery = Type.Object(
  { from: LonLatText, to: LonLatText, departAt: Type.Optional(Instant) },
  { additionalProperties: false },
);

export const RouteResponse = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({
    type: Type.Literal('LineString'),
    coordinates: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
  }),
  properties: Type.Object({ distanceM: Type.Number(), durationSec: Type.Number() }),
});

export const EtasBody = Type.Object(
  {
    target: Type.Object({ lon: Lon, lat: Lat }, { additionalProperties: false }),
    sources: Type.Array(
      Type.Object(
        { id: Type.Optional(Type.String({ maxLength: 100 })), lon: Type.Number(), lat: Type.Number() },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 5000 },
    ),
    departAt: Type.Optional(Instant),
    horizonSec: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 6 * 3600 })),
  },
  { additionalProperties: false },
);
export type EtasBody = Static<typeof EtasBody>;

export const EtasResponse = Type.Object({
  target: Type.Object({ lon: Type.Number(), lat: Type.Number(), snappedM: Type.Number() }),
  etas: Type.Array(
    Type.Object({
      id: Type.Union([Type.String(), Type.Null()]),
      etaSec: Type.Union([Type.Number(), Type.Null()], { description: 'null: unreachable or beyond the horizon' }),
      error: Type.Optional(Type.String()),
    }),
  ),
});
