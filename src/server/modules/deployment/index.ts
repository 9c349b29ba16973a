/**
 * Deployment module (执勤民警相互投送): resource pools, demands (by hand and drafted automatically), optimal
 * plans with what-if, tiered approval with e-signatures, execution with task-scoped grants, KPIs and the record.
 */
import fp from 'fastify-plugin';
import { systemContext } from '../../context.ts';
import { deploymentRoutes } from './deployment.routes.ts';
import { approvalRoutes } from './approval.routes.ts';
import { recordRoutes } from './record.routes.ts';
import { scanForDrafts } from './demand.service.ts';
import { publishDeploymentEvents } from './approval.events.ts';
import { demandResource } from './demand.service.ts';
import { geoState } from '../geo/geo.state.ts';
import { executionRoutes } from './execution.routes.ts';
import { deploymentSolver, warmDeploymentSolver } from './matching/deployment-solver.ts';

/** How often the automatic demand rules run in the background. */
const SCAN_INTERVAL_MS = 60_000;

export const deploymentModule = fp(
  async (app) => {
    await app.register(deploymentRoutes);
    await app.register(approvalRoutes);
    await app.register(recordRoutes);
    await app.register(executionRoutes);
    // Load the matcher (HiGHS in a worker thread) once at start-up, so the first plan does not pay for it.
    app.addHook('onReady', async () => {
      if (!(await warmDeploymentSolver())) app.log.warn('deployment solver: no worker thread; planning in-process');
    });
    // The worker would keep a short-lived process (a CLI command) alive; the next plan starts a new one.
    app.addHook('onClose', async () => deploymentSolver().close());
    // The automatic demand rules run every minute (not under test: tests call POST /api/deployment/demands/scan).
    if (app.config.env !== 'test') {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        const ctx = systemContext(app.database.db, app.auditSink, { requestId: 'deployment-scan' });
        scanForDrafts(ctx)
          .then(async (drafts) => {
            const state = await geoState(app.database.db);
            publishDeploymentEvents(
              app,
              drafts.map((d) => ({
                type: 'deployment.demand' as const,
                data: { demandId: d.id, status: d.status, level: d.level, code: d.code },
                audience: {
                  action: 'deployment.read' as const,
                  resource: demandResource({ id: d.id, path: state.jurisdictions.get(d.jurisdictionId)!.path }),
                },
              })),
            );
          })
          .catch((err: unknown) => app.log.warn({ err }, 'deployment demand scan failed'))
          .finally(() => {
            running = false;
          });
      }, SCAN_INTERVAL_MS);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }
  },
  { name: 'deployment', dependencies: ['auth', 'realtime'] },
);
