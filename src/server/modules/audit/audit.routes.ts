/** HTTP routes of the audit log: signed checkpoints, RFC 9162 proofs, entry metadata. Auditors only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import type { AuditKeys } from './audit.keys.ts';
import { presentCheckpoint, presentConsistency, presentEntry, presentInclusion } from './audit.presenter.ts';
import {
  CheckpointResponse,
  ConsistencyQuery,
  ConsistencyResponse,
  EntriesQuery,
  EntriesResponse,
  InclusionQuery,
  InclusionResponse,
  TreeSizeParams,
} from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';

export interface AuditRoutesOptions {
  service: AuditService;
  keys: AuditKeys;
}

const tags = ['audit'];
const security = [{ bearer: [] }];

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (app, { service, keys }) => {
  app.get(
    '/api/audit/checkpoints/latest',
    {
      schema: {
        tags,
        security,
        summary: 'The latest signed checkpoint (tree size, root hash, time, Ed25519 signature)',
        response: { 200: CheckpointResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => presentCheckpoint(await service.latestCheckpoint(request.ctx), keys),
  );

  app.get(
    '/api/audit/checkpoints/:treeSize',
    {
      schema: {
        tags,
        security,
        summary: 'The checkpoint signed at a given tree size',
        params: TreeSizeParams,
        response: { 200: CheckpointResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => presentCheckpoint(await service.checkpoint(request.ctx, request.params.treeSize), keys),
  );

  app.get(
    '/api/audit/proofs/inclusion',
    {
      schema: {
        tags,
        security,
        summary: 'RFC 9162 inclusion proof of an entry in the tree of a given size',
        querystring: InclusionQuery,
        response: { 200: InclusionResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentInclusion(await service.inclusionProof(request.ctx, request.query.index, request.query.treeSize)),
  );

  app.get(
    '/api/audit/proofs/consistency',
    {
      schema: {
        tags,
        security,
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: ConsistencyQuery,
        response: { 200: ConsistencyResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentConsistency(await service.consistencyProof(request.ctx, request.query.from, request.query.to)),
  );

  app.get(
    '/api/audit/entries',
    {
      schema: {
        tags,
        security,
        summary: 'Audit entries in log order: metadata only (payloads exist only as HMACs)',
        querystring: EntriesQuery,
        response: { 200: EntriesResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const entries = await service.listEntries(request.ctx, request.query.from ?? 0, limit);
      return {
        entries: entries.map(presentEntry),
        nextFrom: entries.length === limit ? entries[entries.length - 1]!.index + 1 : null,
      };
    },
  );
};
