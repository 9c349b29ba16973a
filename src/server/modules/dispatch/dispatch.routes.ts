/** HTTP routes of units, AVL and unit recommendation: thin handlers, one service call each. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import {
  PositionBatch,
  PositionBatchResponse,
  RecommendBody,
  RecommendResponse,
  Unit,
  UnitIdParams,
  UnitListQuery,
  UnitListResponse,
  UnitStatusBody,
} from './dispatch.schemas.ts';
import { recommendUnits } from './recommend.service.ts';
import { changeUnitStatus, ingestPositionBatch, listUnits } from './unit.service.ts';
import { publishDispatchChanges, publishUnitEvents } from './dispatch.events.ts';

const tags = ['dispatch'];

export const dispatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/units',
    {
      schema: {
        tags,
        summary: 'Patrol units you may see, with status and latest position (stale positions flagged)',
        querystring: UnitListQuery,
        response: { 200: UnitListResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({ items: await listUnits(request.ctx, request.query) }),
  );

  app.post(
    '/api/units/:id/status',
    {
      schema: {
        tags,
        summary: 'Change a unit’s status (legal transitions only; audited; announced on the units topic)',
        params: UnitIdParams,
        body: UnitStatusBody,
        response: { 200: Unit, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { unit, event } = await changeUnitStatus(request.ctx, request.params.id, request.body);
      publishUnitEvents(app, [event]);
      return unit;
    },
  );

  app.post(
    '/api/avl/positions',
    {
      schema: {
        tags,
        summary: 'Ingest a batch of AVL fixes (idempotent by unit and device time; latest position only moves forward)',
        body: PositionBatch,
        response: { 200: PositionBatchResponse, ...errorResponses(400, 401, 413) },
      },
    },
    async (request) => {
      const { events, arrivals, ...result } = await ingestPositionBatch(request.ctx, request.body.positions);
      publishUnitEvents(app, events);
      publishDispatchChanges(app, arrivals);
      return result;
    },
  );

  app.post(
    '/api/dispatch/recommend',
    {
      schema: {
        tags,
        summary: 'Rank the units you may dispatch to a point by road ETA, with reasons and why-nots',
        body: RecommendBody,
        response: { 200: RecommendResponse, ...errorResponses(400, 401, 422, 503) },
      },
    },
    async (request) => recommendUnits(request.ctx, request.body),
  );
};
