/** Realtime events of tiered approvals on the `deployment` topic, published by routes and jobs after commit. */
import type { FastifyInstance } from 'fastify';
import type { Resource } from '../policy/policy.ts';
import { demandResource } from './demand.service.ts';
import type { ExecutionChanges } from './execution.events.ts';

/**
 * One change to announce (ids and statuses only). The receiving side hears of it (deployment.read over the
 * demand's region, or a task grant); an assignment is also announced to the officer's home side
 * (deployment.report over his station), as the execution module does.
 */
export interface DeploymentEvent {
  type: 'deployment.approval' | 'deployment.plan' | 'deployment.demand' | 'deployment.assignment';
  data: Record<string, unknown>;
  audience: { action: 'deployment.read' | 'deployment.report'; resource: Resource };
}

/** Publishes events on the `deployment` topic; call only after the transaction that made them committed. */
export function publishDeploymentEvents(app: FastifyInstance, events: readonly DeploymentEvent[]): void {
  for (const e of events) app.realtime.publish('deployment', e);
}

/** The events of an issued plan (what `issuePlan` changed), in the execution module's shapes. */
export function executionEvents(changes: ExecutionChanges): DeploymentEvent[] {
  const out: DeploymentEvent[] = [];
  const read = (id: string, path: string) => ({
    action: 'deployment.read' as const,
    resource: demandResource({ id, path }),
  });
  for (const d of changes.demands) {
    out.push({ type: 'deployment.demand', data: { demandId: d.id, status: d.status }, audience: read(d.id, d.path) });
  }
  for (const p of changes.plans) {
    out.push({
      type: 'deployment.plan',
      data: { planId: p.id, status: p.status, demandId: p.demandId },
      audience: read(p.demandId, p.demandPath),
    });
  }
  for (const a of changes.assignments) {
    const data = { assignmentId: a.id, demandId: a.demandId, officerId: a.officerId, status: a.status };
    out.push({ type: 'deployment.assignment', data, audience: read(a.demandId, a.demandPath) });
    out.push({
      type: 'deployment.assignment',
      data,
      audience: {
        action: 'deployment.report',
        resource: { type: 'deployment_assignment', id: a.id, jurisdictionPath: a.officerPath },
      },
    });
  }
  return out;
}
