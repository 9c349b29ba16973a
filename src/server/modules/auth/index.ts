/**
 * Auth module: authenticates every request's bearer token into `request.ctx.actor`, and serves /api/auth/*.
 *
 * - No `Authorization` header: the request goes on with `actor = null`; routes decide (the policy's
 *   `authorize` answers UNAUTHENTICATED).
 * - A bearer token that is unknown, expired, idle, revoked or belongs to a disabled account: 401
 *   SESSION_EXPIRED at once, whatever the route.
 * - A user who must change the password (reset by an admin, or expired): every route answers
 *   PASSWORD_EXPIRED except those marked `config: { allowWithPasswordChangeRequired: true }`.
 * - Routes marked `config: { authentication: 'ignore' }` (login, refresh) do not look at the header, so a
 *   client holding a stale token can still log in.
 */
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';
import { authSettings, dummyPasswordHash } from './auth.settings.ts';
import { authenticate } from './auth.service.ts';
import { authRoutes } from './auth.routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'ignore': do not authenticate the bearer token on this route (login, refresh). */
    authentication?: 'ignore';
    /** True: reachable while the user must change the password (change, logout, me, own sessions). */
    allowWithPasswordChangeRequired?: boolean;
  }
}

// RFC 7235: the scheme is case-insensitive. Whatever follows is the token; a malformed one is simply invalid.
const BEARER = /^bearer +(.+)$/i;

export const authModule = fp(
  async (app) => {
    const settings = authSettings(app.config);
    // Hash the dummy password now, so the first unknown-username login costs no more than any other.
    await dummyPasswordHash();

    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header === undefined) return;
      const config = request.routeOptions.config;
      if (config.authentication === 'ignore') return;
      const match = BEARER.exec(header);
      if (!match) {
        throw new AppError('UNAUTHENTICATED', 'Send the access token as: Authorization: Bearer <token>.', {
          header: 'authorization',
        });
      }
      const result = await authenticate(request.ctx, settings, match[1]!);
      request.ctx.actor = result.actor;
      if (result.passwordChangeRequired && config.allowWithPasswordChangeRequired !== true) {
        throw new AppError(
          'PASSWORD_EXPIRED',
          'Your password must be changed before anything else: POST /api/auth/password.',
          { changeWith: 'POST /api/auth/password' },
        );
      }
    });

    await app.register(authRoutes(settings));
  },
  { name: 'auth', dependencies: ['audit', 'request-context'] },
);
