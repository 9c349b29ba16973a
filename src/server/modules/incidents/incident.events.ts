/** Realtime announcements about incidents (topic `incidents`); they carry no personal data. */
import type { FastifyInstance } from 'fastify';
import { incidentResource } from './incident.presenter.ts';
import type { Incident } from './incident.repository.ts';

/** Tells open consoles that may read the incident that it was created or changed. */
export function publishIncident(app: FastifyInstance, type: string, i: Incident): void {
  app.realtime.publish('incidents', {
    type,
    data: {
      id: i.id,
      status: i.status,
      severity: i.severity,
      priority: i.priority,
      subType: i.subType,
      jurisdictionId: i.jurisdictionId,
    },
    audience: { action: 'incident.read', resource: incidentResource(i) },
  });
}
