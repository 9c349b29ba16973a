/** Request and response schemas of the jurisdiction routes. */
import { Type, type Static, type TSchema } from 'typebox';
import { CodeParam } from '../../../contracts/common.schemas.ts';
import { JURISDICTION_LEVELS } from '../../../contracts/roles.ts';

export const Level = Type.Union([
  Type.Literal('province'),
  Type.Literal('city'),
  Type.Literal('county'),
  Type.Literal('station'),
  Type.Literal('community'),
  Type.Literal('grid'),
]);
const Access = Type.Union([Type.Literal('full'), Type.Literal('name_only')], {
  description: 'full: every field; name_only: an ancestor of your scope, shown by name only',
});

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });

/** GeoJSON Polygon/MultiPolygon (WGS-84); closure and ranges are checked by the service (INVALID_GEOMETRY). */
export const BoundaryBody = Type.Object(
  {
    type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
    coordinates: Type.Array(Type.Unknown(), { minItems: 1 }),
    bbox: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 6 })),
  },
  { additionalProperties: false, description: 'GeoJSON Polygon or MultiPolygon in WGS-84 longitude/latitude' },
);

const BoundaryOut = Type.Object({
  type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
  coordinates: Type.Array(Type.Union([Type.Array(Position), Type.Array(Type.Array(Position))])),
  bbox: Type.Optional(Type.Array(Type.Number())),
});

const Name = Type.String({ minLength: 1, maxLength: 100 });

export const JurisdictionIdParams = Type.Object({ id: CodeParam }, { additionalProperties: false });

export const TreeQuery = Type.Object(
  {
    rootId: Type.Optional(CodeParam),
    depth: Type.Optional(
      Type.Integer({ minimum: 0, maximum: JURISDICTION_LEVELS.length, description: 'levels below the root' }),
    ),
  },
  { additionalProperties: false },
);

export const CreateJurisdictionBody = Type.Object(
  {
    id: Type.String({
      pattern: '^[0-9]{2,15}$',
      description: 'GB/T 2260 code (2/4/6 digits), +3 digits per level below',
    }),
    parentId: Type.Union([CodeParam, Type.Null()]),
    level: Level,
    name: Name,
    boundary: Type.Optional(Type.Union([BoundaryBody, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateJurisdictionBody = Static<typeof CreateJurisdictionBody>;

export const UpdateJurisdictionBody = Type.Object(
  { name: Type.Optional(Name), boundary: Type.Optional(Type.Union([BoundaryBody, Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);

export const MoveJurisdictionBody = Type.Object({ parentId: CodeParam }, { additionalProperties: false });

const nodeFields = {
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  level: Level,
  name: Type.String(),
  access: Access,
  path: Type.Optional(Type.String({ description: 'materialised path (full access only)' })),
};

/** The tree is at most six levels deep, so the nested node schema is spelled out without recursion. */
function treeNode(levels: number): TSchema {
  return Type.Object({
    ...nodeFields,
    children: levels > 1 ? Type.Array(treeNode(levels - 1)) : Type.Array(Type.Object({}), { maxItems: 0 }),
  });
}

export const TreeResponse = Type.Object({ roots: Type.Array(treeNode(JURISDICTION_LEVELS.length)) });

export const ChildrenResponse = Type.Object({ items: Type.Array(Type.Object(nodeFields)) });

export const JurisdictionResponse = Type.Object({
  ...nodeFields,
  boundary: Type.Optional(Type.Union([BoundaryOut, Type.Null()])),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  ancestors: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), level: Level })),
});

export type JurisdictionResponse = Static<typeof JurisdictionResponse>;
export type NodeFields = Static<(typeof ChildrenResponse)['properties']['items']['items']>;

export const MoveResponse = Type.Object({ jurisdiction: JurisdictionResponse, moved: Type.Integer() });
