/** HTTP routes of execution, after action and KPIs: thin handlers; changes published after commit. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { publishExecutionChanges } from './execution.events.ts';
import {
  Assignment,
  AssignmentIdParams,
  AssignmentList,
  DemandIdParams,
  HandoverResponse,
  Logistics,
  LogisticsBody,
  ReleaseResponse,
  StageBody,
  Survey,
  SurveyBody,
  Tracking,
} from './execution.schemas.ts';
import {
  handOver,
  myAssignments,
  recordLogistics,
  releaseDemand,
  reportAssignmentStage,
  submitSurvey,
  trackDemand,
} from './execution.service.ts';
import { KpiQuery, KpiResponse } from './kpi.schemas.ts';
import { deploymentKpis } from './kpi.service.ts';

const tags = ['deployment'];

export const executionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/deployment/assignments/mine',
    {
      schema: {
        tags,
        summary: "My deployment assignments (the officer's terminal): live ones first, then the latest finished",
        response: { 200: AssignmentList, ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await myAssignments(request.ctx) }),
  );

  app.post(
    '/api/deployment/assignments/:id/ack',
    {
      schema: {
        tags,
        summary: 'Acknowledge a deployment order on the terminal (repeating it is harmless)',
        params: AssignmentIdParams,
        response: { 200: Assignment, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await reportAssignmentStage(request.ctx, request.params.id, 'acknowledged');
      publishExecutionChanges(app, r.changes);
      return r.assignment;
    },
  );

  app.post(
    '/api/deployment/assignments/:id/status',
    {
      schema: {
        tags,
        summary: 'Report en route or arrived (the officer, or the receiving commander); repeating is harmless',
        params: AssignmentIdParams,
        body: StageBody,
        response: { 200: Assignment, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await reportAssignmentStage(request.ctx, request.params.id, request.body.status);
      publishExecutionChanges(app, r.changes);
      return r.assignment;
    },
  );

  app.post(
    '/api/deployment/assignments/:id/survey',
    {
      schema: {
        tags,
        summary: 'The officer rates a released assignment (1–5, once)',
        params: AssignmentIdParams,
        body: SurveyBody,
        response: { 201: Survey, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await submitSurvey(request.ctx, request.params.id, request.body)),
  );

  app.get(
    '/api/deployment/demands/:id/tracking',
    {
      schema: {
        tags,
        summary: "Live tracking of a demand's officers: position, remaining road ETA, deadline, arrived, late",
        params: DemandIdParams,
        response: { 200: Tracking, ...errorResponses(401, 404, 503) },
      },
    },
    async (request) => trackDemand(request.ctx, request.params.id),
  );

  app.post(
    '/api/deployment/demands/:id/handover',
    {
      schema: {
        tags,
        summary: 'Hand arrived officers over to the receiving side; task-scoped grants for those with a login',
        params: DemandIdParams,
        response: { 200: HandoverResponse, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await handOver(request.ctx, request.params.id);
      publishExecutionChanges(app, r.changes);
      return r.result;
    },
  );

  app.post(
    '/api/deployment/demands/:id/release',
    {
      schema: {
        tags,
        summary: 'Release the officers and close the demand: hours, points, allowance booked; grants revoked',
        params: DemandIdParams,
        response: { 200: ReleaseResponse, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await releaseDemand(request.ctx, request.params.id);
      publishExecutionChanges(app, r.changes);
      return r.result;
    },
  );

  app.put(
    '/api/deployment/demands/:id/logistics',
    {
      schema: {
        tags,
        summary: "Record the logistics provided to a demand's officers (meals, lodging, medical)",
        params: DemandIdParams,
        body: LogisticsBody,
        response: { 200: Logistics, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => recordLogistics(request.ctx, request.params.id, request.body),
  );

  app.get(
    '/api/deployment/kpis',
    {
      schema: {
        tags,
        summary: "The paper's six deployment KPIs and the region-to-region balance of help, for a scope and window",
        querystring: KpiQuery,
        response: { 200: KpiResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => deploymentKpis(request.ctx, request.query),
  );
};
