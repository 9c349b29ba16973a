/** HTTP routes of incidents (`/api/incidents`) and the public progress lookup: thin handlers, presenters mask. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { parseIdempotencyKey, withIdempotency } from '../idempotency/idempotency.service.ts';
import {
  AckResponse,
  AlertParams,
  CreateIncidentBody,
  CreateIncidentResponse,
  IncidentIdParams,
  IncidentListResponse,
  IncidentView,
  ListIncidentsQuery,
  MergeBody,
  ProgressParams,
  ProgressResponse,
  RegradeBody,
  TimelineResponse,
  TransitionBody,
} from './incident.schemas.ts';
import {
  acknowledgeAlert,
  getIncident,
  incidentTimeline,
  intakeIncident,
  listVisibleIncidents,
  mergeIncidents,
  progressByCode,
  regradeIncident,
  transitionIncident,
} from './incident.service.ts';
import { incidentResource, presentIncidents, presentProgress } from './incident.presenter.ts';
import type { Incident } from './incident.repository.ts';
import { publishIncident } from './incident.events.ts';
import { progressSmsText } from './incident.sms.ts';
import { publishDispatchChanges } from '../dispatch/dispatch.events.ts';

const tags = ['incidents'];

export const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const announce = (type: string, i: Incident) => publishIncident(app, type, i);

  app.post(
    '/api/incidents',
    {
      schema: {
        tags,
        summary: 'Take a call: locate, grade, record the caller, alert on threats, offer duplicates (Idempotency-Key)',
        body: CreateIncidentBody,
        response: { 201: CreateIncidentResponse, ...errorResponses(401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      let created: { incident: Incident; alertId: string | null } | undefined;
      const result = await withIdempotency(
        request.ctx,
        { key, method: 'POST', route: '/api/incidents', body: request.body, status: 201 },
        async (tx) => {
          const r = await intakeIncident(tx, request.body);
          created = { incident: r.incident, alertId: r.alertId };
          const [incident] = await presentIncidents(tx, [r.incident], 'create');
          const code = r.incident.queryCode;
          return {
            incident: incident!,
            alertId: r.alertId,
            duplicateCandidates: r.duplicateCandidates,
            smsText: code ? progressSmsText(code, r.incident.receivedAt, app.config.publicUrl) : null,
          };
        },
      );
      if (created && !result.replayed) {
        announce('incident.created', created.incident);
        // The in-app alert for a threat to life: to whoever may dispatch there (the duty leader's console).
        if (created.alertId) {
          app.realtime.publish('incidents', {
            type: 'incident.alert',
            data: { id: created.incident.id, alertId: created.alertId, severity: created.incident.severity },
            audience: { action: 'incident.dispatch', resource: incidentResource(created.incident) },
          });
        }
      }
      return reply.code(201).send(result.body);
    },
  );

  app.get(
    '/api/incidents',
    {
      schema: {
        tags,
        summary: 'Live incidents you may see, newest first (masked per policy)',
        querystring: ListIncidentsQuery,
        response: { 200: IncidentListResponse, ...errorResponses(401) },
      },
    },
    async (request) => ({
      items: await presentIncidents(request.ctx, await listVisibleIncidents(request.ctx, request.query), 'list'),
    }),
  );

  app.get(
    '/api/incidents/:id',
    {
      schema: {
        tags,
        summary: 'One incident (masked per policy)',
        params: IncidentIdParams,
        response: { 200: IncidentView, ...errorResponses(401, 404) },
      },
    },
    async (request) =>
      (await presentIncidents(request.ctx, [await getIncident(request.ctx, request.params.id)], 'get'))[0]!,
  );

  app.get(
    '/api/incidents/:id/timeline',
    {
      schema: {
        tags,
        summary: "An incident's timeline: stages, grading, alerts, with actor and note",
        params: IncidentIdParams,
        response: { 200: TimelineResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => ({
      items: (await incidentTimeline(request.ctx, request.params.id)).map((e) => ({ ...e, at: e.at.toISOString() })),
    }),
  );

  app.post(
    '/api/incidents/:id/transitions',
    {
      schema: {
        tags,
        summary: 'Move an incident through its lifecycle (illegal transitions answer INCIDENT_BAD_TRANSITION)',
        params: IncidentIdParams,
        body: TransitionBody,
        response: { 200: IncidentView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { transition, note, ...codes } = request.body;
      const { incident: i, changes } = await transitionIncident(
        request.ctx,
        request.params.id,
        transition,
        note,
        codes,
      );
      announce('incident.updated', i);
      publishDispatchChanges(app, changes);
      return (await presentIncidents(request.ctx, [i], 'transition'))[0]!;
    },
  );

  app.post(
    '/api/incidents/:id/grade',
    {
      schema: {
        tags,
        summary: 'Override the computed severity/priority, with a reason (on the timeline and audited)',
        params: IncidentIdParams,
        body: RegradeBody,
        response: { 200: IncidentView, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const i = await regradeIncident(request.ctx, request.params.id, request.body);
      announce('incident.updated', i);
      return (await presentIncidents(request.ctx, [i], 'regrade'))[0]!;
    },
  );

  app.post(
    '/api/incidents/:id/merge',
    {
      schema: {
        tags,
        summary: 'Merge a duplicate call into this incident (both callers kept; the duplicate is cancelled)',
        params: IncidentIdParams,
        body: MergeBody,
        response: { 200: IncidentView, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const i = await mergeIncidents(request.ctx, request.params.id, request.body.duplicateId, request.body.note);
      announce('incident.updated', i);
      return (await presentIncidents(request.ctx, [i], 'merge'))[0]!;
    },
  );

  app.post(
    '/api/incidents/:id/alerts/:alertId/ack',
    {
      schema: {
        tags,
        summary: 'Acknowledge a duty-leader alert',
        params: AlertParams,
        response: { 200: AckResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await acknowledgeAlert(request.ctx, request.params.id, request.params.alertId);
      return { acknowledged: true as const };
    },
  );

  app.get(
    '/api/public/progress/:code',
    {
      schema: {
        tags: ['public'],
        summary: 'Progress for the caller (no login): stage names and times only',
        params: ProgressParams,
        response: { 200: ProgressResponse, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { incident, timeline } = await progressByCode(request.ctx, request.params.code);
      return presentProgress(incident, timeline);
    },
  );
};
