/** Request and response schemas of the user-management routes. */
import { Type, type Static } from 'typebox';
import { CodeParam, UuidParam } from '../../../contracts/common.schemas.ts';

export const Role = Type.Union([
  Type.Literal('provincial_commander'),
  Type.Literal('city_dispatcher'),
  Type.Literal('duty_leader'),
  Type.Literal('county_duty_officer'),
  Type.Literal('station_chief'),
  Type.Literal('patrol_officer'),
  Type.Literal('community_officer'),
  Type.Literal('grid_worker'),
  Type.Literal('volunteer'),
  Type.Literal('auditor'),
  Type.Literal('security_admin'),
  Type.Literal('system_admin'),
]);

export const Username = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{2,63}$',
  description: '3-64 lower-case letters, digits, . _ -',
});
const PoliceNumber = Type.String({ pattern: '^[A-Za-z0-9]{4,20}$', description: '警号' });
const IdNumber = Type.String({
  pattern: '^[0-9]{17}[0-9X]$',
  description: 'resident ID number (GB 11643, 18 characters); core-grade personal data',
});
const Phone = Type.String({ pattern: '^\\+?[0-9][0-9-]{4,19}$', description: 'important-grade personal data' });
const Address = Type.String({ minLength: 1, maxLength: 200, description: 'important-grade personal data' });

export const UserIdParams = Type.Object({ id: UuidParam }, { additionalProperties: false });

const listFilter = {
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'matches username, display name or police number' }),
  ),
  jurisdictionId: Type.Optional(CodeParam),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
};

export const ListUsersQuery = Type.Object(
  {
    ...listFilter,
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{1,120}$', description: 'nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const ExportUsersQuery = Type.Object(listFilter, { additionalProperties: false });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    homeJurisdictionId: CodeParam,
    policeNumber: Type.Optional(PoliceNumber),
    idNumber: Type.Optional(IdNumber),
    phone: Type.Optional(Phone),
    address: Type.Optional(Address),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'omit to have one generated (returned once)' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const AssignRoleBody = Type.Object({ role: Role, jurisdictionId: CodeParam }, { additionalProperties: false });

export const RoleParams = Type.Object(
  { id: UuidParam, role: Role, jurisdictionId: CodeParam },
  { additionalProperties: false },
);

export const TaskGrantBody = Type.Object(
  {
    taskRef: Type.String({ pattern: '^[a-z_]{2,32}:[A-Za-z0-9._-]{1,64}$', description: 'e.g. deployment:<id>' }),
    jurisdictionId: CodeParam,
    actions: Type.Array(Type.String({ pattern: '^[a-z_]+\\.[a-z_:]+$' }), {
      minItems: 1,
      maxItems: 16,
      uniqueItems: true,
    }),
    startsAt: Type.Optional(Type.String({ format: 'date-time' })),
    endsAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type TaskGrantBody = Static<typeof TaskGrantBody>;

export const GrantParams = Type.Object({ id: UuidParam, grantId: UuidParam }, { additionalProperties: false });

const Assignment = Type.Object({ role: Role, jurisdictionId: Type.String() });

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  policeNumber: Type.Union([Type.String(), Type.Null()]),
  homeJurisdictionId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  idNumber: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  masked: Type.Array(Type.String(), { description: 'fields shown masked for you' }),
  roles: Type.Array(Assignment),
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserView = Static<typeof UserView>;

export const UserListResponse = Type.Object({
  items: Type.Array(UserView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CreateUserResponse = Type.Object({
  user: UserView,
  initialPassword: Type.Optional(
    Type.String({ description: 'the generated password, shown this once; the user must change it at first login' }),
  ),
});

export const RolesResponse = Type.Object({ userId: Type.String(), roles: Type.Array(Assignment) });

export const TaskGrantView = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  taskRef: Type.String(),
  jurisdictionId: Type.String(),
  actions: Type.Array(Type.String()),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type TaskGrantView = Static<typeof TaskGrantView>;
