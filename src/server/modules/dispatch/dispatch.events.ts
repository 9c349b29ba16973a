/** Publishes what a dispatch command changed, after its commit: incidents, orders and units topics. */
import type { FastifyInstance } from 'fastify';
import { publishIncident } from '../incidents/incident.events.ts';
import type { DispatchChanges } from './order.service.ts';
import type { UnitEvent } from './unit.service.ts';

/** Announces unit changes on the `units` topic to whoever may read the unit. */
export function publishUnitEvents(app: FastifyInstance, events: readonly UnitEvent[]): void {
  for (const e of events) {
    app.realtime.publish('units', {
      type: e.type,
      data: e.data,
      audience: {
        action: 'unit.read',
        resource: { type: 'unit', id: e.data.id, jurisdictionPath: e.jurisdictionPath },
      },
    });
  }
}

/** Announces every change of a dispatch command (orders reach whoever may read the unit, e.g. its crew). */
export function publishDispatchChanges(app: FastifyInstance, changes: DispatchChanges): void {
  for (const i of changes.incidents) publishIncident(app, 'incident.updated', i);
  for (const o of changes.orders) {
    app.realtime.publish('orders', {
      type: o.order.status === 'sent' ? 'order.created' : 'order.updated',
      data: o.order,
      audience: { action: 'unit.read', resource: { type: 'unit', id: o.order.unitId, jurisdictionPath: o.unitPath } },
    });
  }
  publishUnitEvents(app, changes.units);
}
