/** Shapes auth results for the API: dates as ISO strings, nothing beyond what the response schema lists. */
import type { Me, SessionView, TokenGrant } from './auth.service.ts';

/** A login/refresh result as sent to the client. */
export function presentTokenGrant(g: TokenGrant) {
  return {
    tokenType: 'Bearer' as const,
    accessToken: g.accessToken,
    accessTokenExpiresAt: g.accessTokenExpiresAt.toISOString(),
    refreshToken: g.refreshToken,
    refreshTokenExpiresAt: g.refreshTokenExpiresAt.toISOString(),
    sessionId: g.sessionId,
    user: g.user,
    mustChangePassword: g.mustChangePassword,
    passwordExpired: g.passwordExpired,
  };
}

/** "Who am I" as sent to the client. */
export function presentMe(me: Me) {
  return {
    ...me,
    grants: me.grants.map((g) => ({ ...g, startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() })),
  };
}

/** The caller's sessions as sent to the client. */
export function presentSessions(items: SessionView[]) {
  return {
    items: items.map((s) => ({
      ...s,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    })),
  };
}
