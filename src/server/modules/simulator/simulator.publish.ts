/**
 * Announcing what the simulator committed, exactly as the HTTP routes do after their commits, so an open
 * console cannot tell a simulated change from a person's: incident events on `incidents` to whoever may read
 * the incident (no caller data), the duty-leader alert to whoever may dispatch there, unit events on `units`.
 */
import type { Realtime } from '../../plugins/realtime.ts';
import { incidentResource } from '../incidents/incident.presenter.ts';
import type { Incident } from '../incidents/incident.repository.ts';
import type { UnitEvent } from '../dispatch/unit.service.ts';

/** The part of the realtime hub the simulator uses. */
export type Publisher = Pick<Realtime, 'publish'>;

/** incident.created / incident.updated, shaped like incident.routes.ts announces them. */
export function announceIncident(rt: Publisher, type: 'incident.created' | 'incident.updated', i: Incident): void {
  rt.publish('incidents', {
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

/** The in-app duty-leader alert for a threat to life. */
export function announceAlert(rt: Publisher, i: Incident, alertId: string): void {
  rt.publish('incidents', {
    type: 'incident.alert',
    data: { id: i.id, alertId, severity: i.severity },
    audience: { action: 'incident.dispatch', resource: incidentResource(i) },
  });
}

/** Unit status and position events, to whoever may read the unit. */
export function announceUnits(rt: Publisher, events: readonly UnitEvent[]): void {
  for (const e of events) {
    rt.publish('units', {
      type: e.type,
      data: e.data,
      audience: {
        action: 'unit.read',
        resource: { type: 'unit', id: e.data.id, jurisdictionPath: e.jurisdictionPath },
      },
    });
  }
}
