/** Geo module: map layers, point resolution, geocoding, search, routes and ETAs over the demo city. */
import fp from 'fastify-plugin';
import { geoRoutes } from './geo.routes.ts';

export const geoModule = fp(
  async (app) => {
    await app.register(geoRoutes);
  },
  { name: 'geo', dependencies: ['auth'] },
);
