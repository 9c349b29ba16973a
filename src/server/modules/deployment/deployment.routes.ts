/** HTTP routes of pools, demands and plans (`/api/deployment`): thin handlers; events published after commit. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { parseIdempotencyKey, withIdempotency } from '../idempotency/idempotency.service.ts';
import { publishDeploymentEvents, type DeploymentEvent } from './approval.events.ts';
import {
  CancelBody,
  CoverBody,
  CoverResponse,
  DemandBody,
  DemandList,
  DemandListQuery,
  DemandView,
  IdParams,
  JurisdictionParams,
  OfficerList,
  OfficersQuery,
  PlanBody,
  PlanView,
  PoolQuery,
  PoolSummary,
  SubmitBody,
  WhatIfBody,
} from './deployment.schemas.ts';
import {
  createDemand,
  decideDemand,
  demandResource,
  getDemand,
  listVisibleDemands,
  presentDemand,
  scanForDrafts,
  type DemandView as DemandDto,
} from './demand.service.ts';
import { getPlan, proposePlan, submitPlan, whatIf } from './plan.service.ts';
import { listPoolOfficers, poolSummary, setMinCover } from './pool.service.ts';

const tags = ['deployment'];

export const deploymentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const announceDemand = (d: DemandDto & { path?: string }, path: string) =>
    publishDeploymentEvents(app, [
      {
        type: 'deployment.demand',
        data: { demandId: d.id, status: d.status, level: d.level, code: d.code },
        audience: { action: 'deployment.read', resource: demandResource({ id: d.id, path }) },
      },
    ]);
  const pathOf = async (id: string, ctx: Parameters<typeof getDemand>[0]) => (await getDemand(ctx, id)).path;

  app.get(
    '/api/deployment/pools',
    {
      schema: {
        tags,
        summary: 'A jurisdiction’s resource pool: officers by state and skill, equipment, cover and lendable strength',
        querystring: PoolQuery,
        response: { 200: PoolSummary, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => poolSummary(request.ctx, request.query.jurisdictionId),
  );

  app.get(
    '/api/deployment/officers',
    {
      schema: {
        tags,
        summary: 'Officers of a pool with eligibility and why-not (off duty, resting, on a task, over hours)',
        querystring: OfficersQuery,
        response: { 200: OfficerList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: (await listPoolOfficers(request.ctx, request.query)).map((o) => ({
        id: o.id,
        name: o.name,
        policeNumber: o.policeNumber,
        post: o.post,
        stationId: o.stationId,
        regionId: o.regionId,
        position: o.position,
        eligible: o.eligibility.eligible,
        why: o.eligibility.why,
        dutyMinutes: o.eligibility.dutyMinutes,
        skills: o.eligibility.skills,
        lapsedSkills: o.eligibility.lapsedSkills,
        taskPoints: o.taskPoints,
        deployments30d: o.deployments30d,
      })),
    }),
  );

  app.put(
    '/api/deployment/cover/:jurisdictionId',
    {
      schema: {
        tags,
        summary: 'Set a region’s minimum cover (officers it keeps whatever it lends)',
        params: JurisdictionParams,
        body: CoverBody,
        response: { 200: CoverResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await setMinCover(request.ctx, request.params.jurisdictionId, request.body.minOfficers);
      return { jurisdictionId: request.params.jurisdictionId, minOfficers: request.body.minOfficers };
    },
  );

  app.post(
    '/api/deployment/demands',
    {
      schema: {
        tags,
        summary: 'Raise a demand for support (Idempotency-Key honoured)',
        body: DemandBody,
        response: { 201: DemandView, ...errorResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      const r = await withIdempotency(
        request.ctx,
        { key, method: 'POST', route: '/api/deployment/demands', body: request.body, status: 201 },
        async (tx) => createDemand(tx, request.body),
      );
      if (!r.replayed) announceDemand(r.body, await pathOf(r.body.id, request.ctx));
      return reply.code(201).send(r.body);
    },
  );

  app.get(
    '/api/deployment/demands',
    {
      schema: {
        tags,
        summary: 'Demands you may see (your regions, or your task), most urgent first',
        querystring: DemandListQuery,
        response: { 200: DemandList, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({ items: await listVisibleDemands(request.ctx, request.query) }),
  );

  app.get(
    '/api/deployment/demands/:id',
    {
      schema: {
        tags,
        summary: 'One demand',
        params: IdParams,
        response: { 200: DemandView, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => presentDemand(await getDemand(request.ctx, request.params.id)),
  );

  app.post(
    '/api/deployment/demands/:id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm an automatic draft (draft → open)',
        params: IdParams,
        response: { 200: DemandView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const d = await decideDemand(request.ctx, request.params.id, { confirm: true });
      announceDemand(d, await pathOf(d.id, request.ctx));
      return d;
    },
  );

  app.post(
    '/api/deployment/demands/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a demand before its plan is approved',
        params: IdParams,
        body: CancelBody,
        response: { 200: DemandView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const d = await decideDemand(request.ctx, request.params.id, { cancel: request.body.reason });
      announceDemand(d, await pathOf(d.id, request.ctx));
      return d;
    },
  );

  app.post(
    '/api/deployment/demands/scan',
    {
      schema: {
        tags,
        summary: 'Run the automatic demand rules now (strength gap > 30%, incidents of level III or above)',
        response: { 200: DemandList, ...errorResponses(401) },
      },
    },
    async (request) => {
      const items = await scanForDrafts(request.ctx);
      for (const d of items) announceDemand(d, await pathOf(d.id, request.ctx));
      return { items };
    },
  );

  const publish = (events: DeploymentEvent[]) => publishDeploymentEvents(app, events);

  app.post(
    '/api/deployment/plans',
    {
      schema: {
        tags,
        summary: 'Plan: match every eligible officer to the open demands together (optimal; with explanations)',
        body: PlanBody,
        response: { 201: PlanView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const r = await proposePlan(request.ctx, request.body);
      publish(r.events);
      return reply.code(201).send(r.plan);
    },
  );

  app.get(
    '/api/deployment/plans/:id',
    {
      schema: {
        tags,
        summary: 'One plan with its assignments, shortfalls and cover left',
        params: IdParams,
        response: { 200: PlanView, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => getPlan(request.ctx, request.params.id),
  );

  app.post(
    '/api/deployment/plans/:id/whatif',
    {
      schema: {
        tags,
        summary: 'What-if: re-plan with pins, removals, head-count or cover changes (supersedes the plan)',
        params: IdParams,
        body: WhatIfBody,
        response: { 201: PlanView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const r = await whatIf(request.ctx, request.params.id, request.body.adjustments);
      publish(r.events);
      return reply.code(201).send(r.plan);
    },
  );

  app.post(
    '/api/deployment/plans/:id/submit',
    {
      schema: {
        tags,
        summary: 'Submit a proposed plan for tiered approval (emergency: issue now, ratify after; level I only)',
        params: IdParams,
        body: SubmitBody,
        response: { 200: PlanView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await submitPlan(request.ctx, request.params.id, request.body);
      publish(r.events);
      return r.plan;
    },
  );
};
