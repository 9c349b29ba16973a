/**
 * Realtime events of execution on the `deployment` topic (ids and statuses only), published after the commit.
 * The receiving side (deployment.read over the demand's region, or a task grant) hears of demands, plans and
 * assignments; an officer's home side (deployment.report over his station: the officer himself on his terminal,
 * his station chief) hears of his assignment too, since before the hand-over he holds no grant on the demand.
 */
import type { FastifyInstance } from 'fastify';
import { demandResource } from './demand.service.ts';

/** What an execution command changed. */
export interface ExecutionChanges {
  demands: { id: string; status: string; path: string }[];
  plans: { id: string; status: string; demandId: string; demandPath: string }[];
  assignments: {
    id: string;
    demandId: string;
    demandPath: string;
    officerId: string;
    officerPath: string;
    status: string;
  }[];
}

/** No changes. */
export const noChanges = (): ExecutionChanges => ({ demands: [], plans: [], assignments: [] });

/** Publishes every change; call only after the transaction that made them committed. */
export function publishExecutionChanges(app: FastifyInstance, changes: ExecutionChanges): void {
  for (const d of changes.demands) {
    app.realtime.publish('deployment', {
      type: 'deployment.demand',
      data: { demandId: d.id, status: d.status },
      audience: { action: 'deployment.read', resource: demandResource({ id: d.id, path: d.path }) },
    });
  }
  for (const p of changes.plans) {
    app.realtime.publish('deployment', {
      type: 'deployment.plan',
      data: { planId: p.id, status: p.status, demandId: p.demandId },
      audience: { action: 'deployment.read', resource: demandResource({ id: p.demandId, path: p.demandPath }) },
    });
  }
  for (const a of changes.assignments) {
    const data = { assignmentId: a.id, demandId: a.demandId, officerId: a.officerId, status: a.status };
    app.realtime.publish('deployment', {
      type: 'deployment.assignment',
      data,
      audience: { action: 'deployment.read', resource: demandResource({ id: a.demandId, path: a.demandPath }) },
    });
    app.realtime.publish('deployment', {
      type: 'deployment.assignment',
      data,
      audience: {
        action: 'deployment.report',
        resource: { type: 'deployment_assignment', id: a.id, jurisdictionPath: a.officerPath },
      },
    });
  }
}
