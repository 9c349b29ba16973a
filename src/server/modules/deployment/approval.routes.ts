/**
 * HTTP routes of tiered approvals: approvers' signing keys, the approval list, the payload to sign, signed
 * decisions, re-verification, and escalation on demand. The escalation job runs here too (every
 * DEPLOYMENT_ESCALATION_INTERVAL_MS, default a minute; off in tests), stopped when the app closes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { systemContext } from '../../context.ts';
import { authorize } from '../policy/policy.ts';
import { publishDeploymentEvents } from './approval.events.ts';
import {
  Approval,
  ApprovalList,
  ApprovalListQuery,
  ApproverKey,
  ApproverKeyList,
  DecideBody,
  EscalateResponse,
  IdParams,
  PayloadQuery,
  PayloadResponse,
  RegisterKeyBody,
  VerifyResponse,
} from './approval.schemas.ts';
import {
  approvalPayload,
  decideApproval,
  escalateOverdue,
  getApproval,
  listApprovals,
  myKeys,
  registerKey,
  revokeMyKey,
  verifyApproval,
} from './approval.service.ts';

export interface ApprovalRoutesOptions {
  /** How often overdue approvals escalate in the background; 0 = off. Default: DEPLOYMENT_ESCALATION_INTERVAL_MS. */
  escalationIntervalMs?: number;
}

const tags = ['deployment'];

export const approvalRoutes: FastifyPluginAsyncTypebox<ApprovalRoutesOptions> = async (app, opts) => {
  app.post(
    '/api/deployment/approver-keys',
    {
      schema: {
        tags,
        summary: 'Register my public signing key (generated in the browser; the private key never leaves it)',
        body: RegisterKeyBody,
        response: { 201: ApproverKey, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => reply.code(201).send(await registerKey(request.ctx, request.body)),
  );

  app.get(
    '/api/deployment/approver-keys',
    {
      schema: {
        tags,
        summary: 'My signing keys, newest first',
        response: { 200: ApproverKeyList, ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await myKeys(request.ctx) }),
  );

  app.post(
    '/api/deployment/approver-keys/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke one of my signing keys (decisions signed before stay verifiable)',
        params: IdParams,
        response: { 200: ApproverKey, ...errorResponses(401, 404) },
      },
    },
    async (request) => revokeMyKey(request.ctx, request.params.id),
  );

  app.get(
    '/api/deployment/approvals',
    {
      schema: {
        tags,
        summary: 'Approvals I may decide or see, newest first (emergency ratifications flagged)',
        querystring: ApprovalListQuery,
        response: { 200: ApprovalList, ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await listApprovals(request.ctx, request.query) }),
  );

  app.post(
    '/api/deployment/approvals/escalate',
    {
      schema: {
        tags,
        summary: 'Escalate every pending approval past its deadline now (operators, tests)',
        response: { 200: EscalateResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      authorize(request.ctx, 'deployment.approve_major', { type: 'deployment_approval', jurisdictionPath: '/' });
      const r = await escalateOverdue(request.ctx);
      publishDeploymentEvents(app, r.events);
      return { escalated: r.escalated };
    },
  );

  app.get(
    '/api/deployment/approvals/:id',
    {
      schema: {
        tags,
        summary: 'One approval',
        params: IdParams,
        response: { 200: Approval, ...errorResponses(401, 404) },
      },
    },
    async (request) => getApproval(request.ctx, request.params.id),
  );

  app.get(
    '/api/deployment/approvals/:id/payload',
    {
      schema: {
        tags,
        summary: 'The canonical payload I sign to take a decision on the approval',
        params: IdParams,
        querystring: PayloadQuery,
        response: { 200: PayloadResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => approvalPayload(request.ctx, request.params.id, request.query.decision ?? 'approve'),
  );

  app.post(
    '/api/deployment/approvals/:id/decide',
    {
      schema: {
        tags,
        summary: 'Approve (the plan is issued) or reject (its demands reopen), signed with my registered key',
        params: IdParams,
        body: DecideBody,
        response: { 200: Approval, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const r = await decideApproval(request.ctx, request.params.id, request.body);
      publishDeploymentEvents(app, r.events);
      return r.approval;
    },
  );

  app.get(
    '/api/deployment/approvals/:id/verify',
    {
      schema: {
        tags,
        summary: 'Re-verify a stored decision: signature over the stored payload with the stored public key',
        params: IdParams,
        response: { 200: VerifyResponse, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => verifyApproval(request.ctx, request.params.id),
  );

  const intervalMs = opts.escalationIntervalMs ?? app.config.deployment.approvalEscalationIntervalMs;
  if (intervalMs > 0) {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    const tick = () => {
      if (running) return;
      running = escalateOverdue(systemContext(app.database.db, app.auditSink, { requestId: 'job-approval-escalation' }))
        .then((r) => {
          if (r.escalated.length) app.log.info({ escalated: r.escalated }, 'deployment approvals escalated');
          publishDeploymentEvents(app, r.events);
        })
        .catch((e: unknown) => app.log.warn({ err: e }, 'approval escalation failed'))
        .finally(() => {
          running = undefined;
        });
    };
    app.addHook('onReady', async () => {
      timer = setInterval(tick, intervalMs);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  }
};
