/** The auth endpoints the console uses (shapes mirror src/server/modules/auth/auth.schemas.ts). */
import { requestJson } from '../../../app/http.ts';

export interface TokenGrant {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  sessionId: string;
  user: { id: string; username: string; displayName: string };
  mustChangePassword: boolean;
  passwordExpired: boolean;
}

export interface Me {
  userId: string;
  username: string;
  displayName: string;
  sessionId: string;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  passwordExpired: boolean;
  assignments: { role: string; jurisdictionId: string; jurisdictionPath: string }[];
}

export interface LoginInput {
  username: string;
  password: string;
  totp?: string;
}

/** POST /api/auth/login */
export function login(input: LoginInput): Promise<TokenGrant> {
  const body: LoginInput = { username: input.username, password: input.password };
  if (input.totp) body.totp = input.totp;
  return requestJson<TokenGrant>('/api/auth/login', { method: 'POST', body });
}

/** POST /api/auth/refresh: spends the refresh token, returns a new pair. */
export function refresh(refreshToken: string): Promise<TokenGrant> {
  return requestJson<TokenGrant>('/api/auth/refresh', { method: 'POST', body: { refreshToken } });
}

/** POST /api/auth/logout */
export function logout(token: string): Promise<unknown> {
  return requestJson('/api/auth/logout', { method: 'POST', body: {}, token });
}

/** GET /api/auth/me */
export function me(token: string): Promise<Me> {
  return requestJson<Me>('/api/auth/me', { token });
}

/** POST /api/auth/password */
export function changePassword(token: string, currentPassword: string, newPassword: string): Promise<unknown> {
  return requestJson('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword }, token });
}
