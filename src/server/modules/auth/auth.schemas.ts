/** Request and response schemas of the auth endpoints. Bodies are strict: unknown fields are rejected. */
import { Type, type Static } from 'typebox';
import { ROLES } from '../../../contracts/roles.ts';

const strict = { additionalProperties: false } as const;
const DateTime = Type.String({ format: 'date-time' });
const TotpCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit code from the authenticator app' });
/** Generous upper bounds: long enough for any passphrase, short enough that hashing cannot be abused. */
const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Password,
    totp: Type.Optional(TotpCode),
  },
  strict,
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 128 }) }, strict);
export type RefreshBody = Static<typeof RefreshBody>;

export const NoQuery = Type.Object({}, strict);

export const EmptyBody = Type.Object({}, { ...strict, description: 'No fields; the body may be omitted.' });

export const PasswordChangeBody = Type.Object(
  { currentPassword: Password, newPassword: Type.String({ minLength: 1, maxLength: 256 }) },
  strict,
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

export const TotpEnableBody = Type.Object({ code: TotpCode }, strict);
export type TotpEnableBody = Static<typeof TotpEnableBody>;

export const TotpDisableBody = Type.Object({ code: TotpCode, password: Password }, strict);
export type TotpDisableBody = Static<typeof TotpDisableBody>;

export const SessionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, strict);
export type SessionIdParams = Static<typeof SessionIdParams>;

export const UserSummary = Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() });

export const TokenResponse = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  accessTokenExpiresAt: DateTime,
  refreshToken: Type.String(),
  refreshTokenExpiresAt: DateTime,
  sessionId: Type.String(),
  user: UserSummary,
  mustChangePassword: Type.Boolean({ description: 'Only POST /api/auth/password works until it is changed' }),
  passwordExpired: Type.Boolean({ description: 'Only POST /api/auth/password works until it is changed' }),
});

const Assignment = Type.Object({
  role: Type.String({ description: `Role code: ${ROLES.join(', ')}` }),
  jurisdictionId: Type.String(),
  jurisdictionPath: Type.String(),
});
const Grant = Type.Object({
  id: Type.String(),
  taskRef: Type.String(),
  jurisdictionId: Type.String(),
  jurisdictionPath: Type.String(),
  actions: Type.Array(Type.String()),
  startsAt: DateTime,
  endsAt: DateTime,
});

export const MeResponse = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  sessionId: Type.String(),
  totpEnabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  passwordExpired: Type.Boolean(),
  assignments: Type.Array(Assignment),
  grants: Type.Array(Grant),
});

export const SessionsResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      current: Type.Boolean(),
      createdAt: DateTime,
      lastSeenAt: DateTime,
      expiresAt: DateTime,
      ip: Type.Union([Type.String(), Type.Null()]),
      userAgent: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const TotpSetupResponse = Type.Object({
  secret: Type.String({ description: 'Base32 secret; shown once' }),
  otpauthUri: Type.String({ description: 'otpauth:// URI for a QR code' }),
});
