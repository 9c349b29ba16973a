/** HTTP routes of dispatch orders and incident recommendations: thin handlers; changes published after commit. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { parseIdempotencyKey, withIdempotency } from '../idempotency/idempotency.service.ts';
import { presentIncidents } from '../incidents/incident.presenter.ts';
import { IncidentIdParams } from '../incidents/incident.schemas.ts';
import { publishDispatchChanges } from './dispatch.events.ts';
import {
  CancelOrderBody,
  DispatchBody,
  DispatchResponse,
  IncidentRecommendBody,
  IncidentRecommendResponse,
  MyOrders,
  Order,
  OrderIdParams,
  OrderList,
  OrderStatusBody,
} from './order.schemas.ts';
import {
  acknowledgeOrder,
  cancelOrder,
  dispatchUnits,
  myActiveOrders,
  ordersOfIncident,
  recommendForIncident,
  reportOrderStage,
  type DispatchChanges,
} from './order.service.ts';

const tags = ['dispatch'];

export const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/incidents/:id/recommendation',
    {
      schema: {
        tags,
        summary: 'Recommend units for an incident (its location, run card, coverage rule); stored for the dispatch',
        params: IncidentIdParams,
        body: IncidentRecommendBody,
        response: { 200: IncidentRecommendResponse, ...errorResponses(400, 401, 403, 404, 422, 503) },
      },
    },
    async (request) => recommendForIncident(request.ctx, request.params.id, request.body),
  );

  app.post(
    '/api/incidents/:id/dispatch',
    {
      schema: {
        tags,
        summary:
          'Dispatch units: accept the quoted recommendation, or override it with a reason (Idempotency-Key honoured)',
        params: IncidentIdParams,
        body: DispatchBody,
        response: { 201: DispatchResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      let changes: DispatchChanges | undefined;
      const result = await withIdempotency(
        request.ctx,
        {
          key,
          method: 'POST',
          route: `/api/incidents/${request.params.id}/dispatch`,
          body: request.body,
          status: 201,
        },
        async (tx) => {
          const r = await dispatchUnits(tx, request.params.id, request.body);
          changes = r.changes;
          const [incident] = await presentIncidents(tx, [r.incident], 'dispatch');
          return { incident: incident!, orders: r.orders, override: r.override };
        },
      );
      if (changes && !result.replayed) publishDispatchChanges(app, changes);
      return reply.code(201).send(result.body);
    },
  );

  app.get(
    '/api/incidents/:id/orders',
    {
      schema: {
        tags,
        summary: "An incident's dispatch orders, oldest first",
        params: IncidentIdParams,
        response: { 200: OrderList, ...errorResponses(401, 404) },
      },
    },
    async (request) => ({ items: await ordersOfIncident(request.ctx, request.params.id) }),
  );

  app.get(
    '/api/dispatch/orders/mine',
    {
      schema: {
        tags,
        summary: "The active orders of my unit (the officer's app), with their incidents (masked per policy)",
        response: { 200: MyOrders, ...errorResponses(401) },
      },
    },
    async (request) => {
      const mine = await myActiveOrders(request.ctx);
      const views = await presentIncidents(
        request.ctx,
        mine.map((m) => m.incident),
        'field',
      );
      return { items: mine.map((m, i) => ({ order: m.order, incident: views[i]! })) };
    },
  );

  app.post(
    '/api/dispatch/orders/:id/ack',
    {
      schema: {
        tags,
        summary: 'Acknowledge an order on the terminal (repeating it is harmless)',
        params: OrderIdParams,
        response: { 200: Order, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await acknowledgeOrder(request.ctx, request.params.id);
      publishDispatchChanges(app, r.changes);
      return r.order;
    },
  );

  app.post(
    '/api/dispatch/orders/:id/status',
    {
      schema: {
        tags,
        summary: 'Report an order stage: en route, on scene, released (repeating the current stage is harmless)',
        params: OrderIdParams,
        body: OrderStatusBody,
        response: { 200: Order, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await reportOrderStage(request.ctx, request.params.id, request.body);
      publishDispatchChanges(app, r.changes);
      return r.order;
    },
  );

  app.post(
    '/api/dispatch/orders/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Stand a unit down (reassignment = cancel + dispatch); the unit becomes available',
        params: OrderIdParams,
        body: CancelOrderBody,
        response: { 200: Order, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await cancelOrder(request.ctx, request.params.id, request.body.reason);
      publishDispatchChanges(app, r.changes);
      return r.order;
    },
  );
};
