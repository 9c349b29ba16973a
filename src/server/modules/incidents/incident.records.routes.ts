/** HTTP routes of the code lists, the queue, notes, attachments and links: thin handlers. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { AppError } from '../../errors.ts';
import { parseIdempotencyKey, withIdempotency } from '../idempotency/idempotency.service.ts';
import { Order } from '../dispatch/order.schemas.ts';
import { publishIncident } from './incident.events.ts';
import { presentIncidents } from './incident.presenter.ts';
import {
  addAttachment,
  addNote,
  incidentCodes,
  incidentQueue,
  linkIncidents,
  listAttachments,
  readAttachment,
} from './incident.records.ts';
import { findIncident, linksOf, type AttachmentMeta } from './incident.repository.ts';
import {
  AttachmentBody,
  AttachmentList,
  AttachmentParams,
  AttachmentView,
  CodesResponse,
  IncidentIdParams,
  IncidentView,
  LinkBody,
  LinksResponse,
  NoteBody,
  NoteResponse,
  QueueQuery,
  StageTimer,
} from './incident.schemas.ts';
import { getIncident } from './incident.service.ts';

const tags = ['incidents'];

const QueueResponse = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          incident: IncidentView,
          waitingSec: Type.Integer({ description: 'Seconds since the call was received' }),
          timers: Type.Array(StageTimer),
          orders: Type.Array(Order),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const presentAttachment = (a: AttachmentMeta) => ({
  id: a.id,
  incidentId: a.incidentId,
  fileName: a.fileName,
  contentType: a.contentType,
  size: a.size,
  sha256: a.sha256,
  createdAt: a.createdAt.toISOString(),
});

export const incidentRecordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Tells consoles showing the incident that its record changed. */
  const touched = async (id: string) => {
    const i = await findIncident(app.database.db, id);
    if (i) publishIncident(app, 'incident.updated', i);
  };

  app.get(
    '/api/incidents/codes',
    {
      schema: {
        tags,
        summary: 'Code lists: categories, sub-types, dispositions, result codes, stage targets by severity',
        response: { 200: CodesResponse, ...errorResponses(401) },
      },
    },
    async (request) => {
      if (!request.ctx.actor)
        throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
      return incidentCodes();
    },
  );

  app.get(
    '/api/incidents/queue',
    {
      schema: {
        tags,
        summary: 'Open incidents you may see, by priority then waiting time, with stage timers and orders',
        querystring: QueueQuery,
        response: { 200: QueueResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const items = await incidentQueue(request.ctx, request.query.limit);
      const views = await presentIncidents(
        request.ctx,
        items.map((q) => q.incident),
        'queue',
      );
      return { items: items.map((q, k) => ({ ...q, incident: views[k]! })) };
    },
  );

  app.post(
    '/api/incidents/:id/notes',
    {
      schema: {
        tags,
        summary: 'Add a note to the timeline (Idempotency-Key honoured)',
        params: IncidentIdParams,
        body: NoteBody,
        response: { 201: NoteResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      const { id } = request.params;
      const r = await withIdempotency(
        request.ctx,
        { key, method: 'POST', route: `/api/incidents/${id}/notes`, body: request.body, status: 201 },
        async (tx) => {
          const n = await addNote(tx, id, request.body.text);
          return { incidentId: n.incidentId, at: n.at.toISOString() };
        },
      );
      if (!r.replayed) await touched(id);
      return reply.code(201).send(r.body);
    },
  );

  app.post(
    '/api/incidents/:id/attachments',
    {
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Attach a photo or document (base64; JPEG, PNG, WebP or PDF up to 3 MiB; Idempotency-Key honoured)',
        params: IncidentIdParams,
        body: AttachmentBody,
        response: { 201: AttachmentView, ...errorResponses(400, 401, 403, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      const { id } = request.params;
      const r = await withIdempotency(
        request.ctx,
        { key, method: 'POST', route: `/api/incidents/${id}/attachments`, body: request.body, status: 201 },
        async (tx) => presentAttachment(await addAttachment(tx, id, request.body)),
      );
      if (!r.replayed) await touched(id);
      return reply.code(201).send(r.body);
    },
  );

  app.get(
    '/api/incidents/:id/attachments',
    {
      schema: {
        tags,
        summary: "An incident's attachments (metadata)",
        params: IncidentIdParams,
        response: { 200: AttachmentList, ...errorResponses(401, 404) },
      },
    },
    async (request) => ({
      items: (await listAttachments(request.ctx, request.params.id)).map(presentAttachment),
    }),
  );

  app.get(
    '/api/incidents/:id/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary: 'Download an attachment (its own content type; always as a download)',
        params: AttachmentParams,
        response: {
          200: {
            description: 'The file',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errorResponses(401, 404),
        },
      },
    },
    async (request, reply) => {
      const a = await readAttachment(request.ctx, request.params.id, request.params.attachmentId);
      return (
        reply
          .header('content-type', a.contentType)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.fileName)}`)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          // The schema says string (binary) for OpenAPI; Fastify sends a Buffer as the raw bytes.
          .send(a.data as unknown as string)
      );
    },
  );

  app.post(
    '/api/incidents/:id/links',
    {
      schema: {
        tags,
        summary: 'Link a related incident (both stay open; unlike a merge); repeating it is harmless',
        params: IncidentIdParams,
        body: LinkBody,
        response: { 200: LinksResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const r = await linkIncidents(request.ctx, request.params.id, request.body.otherId, request.body.note);
      await touched(request.params.id);
      await touched(request.body.otherId);
      return r;
    },
  );

  app.get(
    '/api/incidents/:id/links',
    {
      schema: {
        tags,
        summary: 'Incidents linked to this one',
        params: IncidentIdParams,
        response: { 200: LinksResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      await getIncident(request.ctx, request.params.id);
      // Only links to incidents the reader may see.
      const ids: string[] = [];
      for (const other of await linksOf(request.ctx.db, request.params.id)) {
        try {
          await getIncident(request.ctx, other);
          ids.push(other);
        } catch (e) {
          // Not visible to this reader: left out, not revealed.
          if (!(e instanceof AppError && e.code === 'INCIDENT_NOT_FOUND')) throw e;
        }
      }
      return { incidentId: request.params.id, linkedIds: ids };
    },
  );
};
