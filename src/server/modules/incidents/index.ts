/** Incidents module: 110 intake, grading, lifecycle, duty-leader alerts and public progress. */
import fp from 'fastify-plugin';
import { incidentRoutes } from './incident.routes.ts';
import { incidentRecordRoutes } from './incident.records.routes.ts';

export const incidentsModule = fp(
  async (app) => {
    await app.register(incidentRoutes);
    await app.register(incidentRecordRoutes);
  },
  { name: 'incidents', dependencies: ['auth', 'jurisdictions', 'realtime'] },
);
