/** Auth module: login, sessions, users. */
import fp from 'fastify-plugin';

export const authModule = fp(async () => undefined, { name: 'auth', dependencies: ['audit', 'request-context'] });
