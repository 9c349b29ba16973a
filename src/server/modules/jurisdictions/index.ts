/** Jurisdictions module: the 省-市-县-所-社区-网格 tree. */
import fp from 'fastify-plugin';

export const jurisdictionsModule = fp(async () => undefined, { name: 'jurisdictions', dependencies: ['auth'] });
