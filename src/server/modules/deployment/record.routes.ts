/** HTTP route of a demand's tamper-evident record: its audit entries with inclusion proofs. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { DemandIdParams, DemandRecordResponse } from './record.schemas.ts';
import { demandRecord } from './record.service.ts';

export const recordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/deployment/demands/:id/record',
    {
      schema: {
        tags: ['deployment'],
        summary:
          'Audit entries about the demand, its plans, approvals and assignments, each with its inclusion proof against the latest checkpoint',
        params: DemandIdParams,
        response: { 200: DemandRecordResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) =>
      demandRecord(request.ctx, request.params.id, { reader: app.auditLog.reader, keys: app.auditLog.keys }),
  );
};
