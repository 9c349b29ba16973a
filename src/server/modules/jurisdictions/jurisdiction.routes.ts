/** HTTP routes of the jurisdiction tree: thin handlers, one service call each. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { parseIdempotencyKey, withIdempotency } from '../idempotency/idempotency.service.ts';
import {
  ChildrenResponse,
  CreateJurisdictionBody,
  JurisdictionIdParams,
  JurisdictionResponse,
  MoveJurisdictionBody,
  MoveResponse,
  TreeQuery,
  TreeResponse,
  UpdateJurisdictionBody,
} from './jurisdiction.schemas.ts';
import {
  createJurisdiction,
  getChildren,
  getJurisdiction,
  getTree,
  moveJurisdiction,
  updateJurisdictionDetails,
} from './jurisdiction.service.ts';
import { presentJurisdiction, presentNodeFields, presentTreeNode } from './jurisdiction.presenter.ts';

const tags = ['jurisdictions'];

export const jurisdictionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/jurisdictions',
    {
      schema: {
        tags,
        summary: 'The jurisdiction tree you may see (or the subtree under rootId, depth levels deep)',
        querystring: TreeQuery,
        response: { 200: TreeResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => ({ roots: (await getTree(request.ctx, request.query)).map(presentTreeNode) }),
  );

  app.get(
    '/api/jurisdictions/:id',
    {
      schema: {
        tags,
        summary: 'One jurisdiction with its ancestors (boundary in full view only)',
        params: JurisdictionIdParams,
        response: { 200: JurisdictionResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => presentJurisdiction(await getJurisdiction(request.ctx, request.params.id)),
  );

  app.get(
    '/api/jurisdictions/:id/children',
    {
      schema: {
        tags,
        summary: 'The direct children of a jurisdiction that you may see',
        params: JurisdictionIdParams,
        response: { 200: ChildrenResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => ({
      items: (await getChildren(request.ctx, request.params.id)).map((n) =>
        presentNodeFields(n.jurisdiction, n.access),
      ),
    }),
  );

  app.post(
    '/api/jurisdictions',
    {
      schema: {
        tags,
        summary: 'Create a jurisdiction (system admin; accepts Idempotency-Key)',
        body: CreateJurisdictionBody,
        response: { 201: JurisdictionResponse, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      const result = await withIdempotency(
        request.ctx,
        { key, method: 'POST', route: '/api/jurisdictions', body: request.body, status: 201 },
        async (tx) => presentJurisdiction(await createJurisdiction(tx, request.body)),
      );
      return reply.code(201).send(result.body);
    },
  );

  app.patch(
    '/api/jurisdictions/:id',
    {
      schema: {
        tags,
        summary: 'Rename a jurisdiction or replace its boundary (system admin)',
        params: JurisdictionIdParams,
        body: UpdateJurisdictionBody,
        response: { 200: JurisdictionResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentJurisdiction(await updateJurisdictionDetails(request.ctx, request.params.id, request.body)),
  );

  app.post(
    '/api/jurisdictions/:id/move',
    {
      schema: {
        tags,
        summary: 'Move a jurisdiction and its subtree under another parent (system admin; idempotent)',
        params: JurisdictionIdParams,
        body: MoveJurisdictionBody,
        response: { 200: MoveResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const result = await moveJurisdiction(request.ctx, request.params.id, request.body.parentId);
      return { jurisdiction: presentJurisdiction(result.jurisdiction), moved: result.moved };
    },
  );
};
