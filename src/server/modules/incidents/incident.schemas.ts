/** Request and response schemas of the incident routes (`/api/incidents`, `/api/public/progress`). */
import { Type, type Static } from 'typebox';
import { CATEGORIES } from './incident.codes.ts';
import { STATUSES, TRANSITIONS } from './incident.lifecycle.ts';

/** A string union schema from a list of literals, typed as that union. */
const lit = <T extends string>(values: readonly T[]) => Type.Unsafe<T>(Type.Union(values.map((v) => Type.Literal(v))));

export const Category = lit(CATEGORIES);
export const Status = lit(STATUSES);
export const Channel = lit(['phone', 'sms', 'app', 'walk_in'] as const);

export const IncidentIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

const CallerName = Type.String({ minLength: 1, maxLength: 64, description: 'core-grade personal data' });
const CallerPhone = Type.String({ pattern: '^\\+?[0-9][0-9-]{2,19}$', description: 'core-grade personal data' });

export const CreateIncidentBody = Type.Object(
  {
    callerName: Type.Optional(CallerName),
    callerPhone: Type.Optional(CallerPhone),
    address: Type.Optional(Type.String({ minLength: 2, maxLength: 200, description: 'standard address text' })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    category: Category,
    subType: Type.String({ pattern: '^[a-z_]+\\.[a-z_]+$', description: 'code list entry, e.g. criminal.robbery' }),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    channel: Channel,
    receivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'reception time; default now' })),
    weapons: Type.Optional(Type.Boolean()),
    injuries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    minorsInvolved: Type.Optional(Type.Boolean()),
    crowdSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000 })),
  },
  { additionalProperties: false },
);
export type CreateIncidentBody = Static<typeof CreateIncidentBody>;

export const CallerView = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  calledAt: Type.String(),
});

export const IncidentView = Type.Object({
  id: Type.String(),
  queryCode: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  subType: Type.String(),
  severity: Type.Integer(),
  priority: Type.Union([Type.Integer(), Type.Null()]),
  status: Status,
  channel: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  jurisdictionId: Type.String(),
  receivedAt: Type.String(),
  gradingRules: Type.Array(Type.String()),
  callers: Type.Array(CallerView),
  /** Fields shown masked to this reader. */
  masked: Type.Array(Type.String()),
});
export type IncidentView = Static<typeof IncidentView>;

export const CreateIncidentResponse = Type.Object({
  incident: IncidentView,
  /** The duty-leader alert opened for a life/public-safety threat, if any. */
  alertId: Type.Union([Type.String(), Type.Null()]),
  /** Open incidents nearby of a compatible category: possible duplicates or links. */
  duplicateCandidates: Type.Array(
    Type.Object({ id: Type.String(), subType: Type.String(), distanceM: Type.Number(), receivedAt: Type.String() }),
  ),
  /** The SMS text for the caller: the query code and the progress link (null when there is no code). */
  smsText: Type.Union([Type.String(), Type.Null()]),
});

export const ListIncidentsQuery = Type.Object(
  {
    status: Type.Optional(Status),
    jurisdictionId: Type.Optional(Type.String({ pattern: '^[0-9]{2,24}$' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
export type ListIncidentsQuery = Static<typeof ListIncidentsQuery>;

export const IncidentListResponse = Type.Object({ items: Type.Array(IncidentView) });

export const TransitionBody = Type.Object(
  {
    transition: lit(TRANSITIONS),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    disposition: Type.Optional(
      Type.String({ pattern: '^[a-z_]{2,40}$', description: 'Required to close: code from GET /api/incidents/codes' }),
    ),
    resultCode: Type.Optional(
      Type.String({ pattern: '^[a-z_]{2,40}$', description: 'Required to close: code from GET /api/incidents/codes' }),
    ),
  },
  { additionalProperties: false },
);

export const RegradeBody = Type.Object(
  {
    severity: Type.Integer({ minimum: 1, maximum: 4 }),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const TimelineEvent = Type.Object({
  kind: Type.String(),
  fromStatus: Type.Union([Type.String(), Type.Null()]),
  toStatus: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  actorId: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
});
export const TimelineResponse = Type.Object({ items: Type.Array(TimelineEvent) });

export const ProgressParams = Type.Object(
  { code: Type.String({ pattern: '^[A-Z0-9]{10}$', description: 'the query code given to the caller' }) },
  { additionalProperties: false },
);

/** The public view: stage names and times only. */
export const ProgressResponse = Type.Object(
  {
    stages: Type.Array(Type.Object({ stage: Status, at: Type.String() }, { additionalProperties: false })),
    current: Status,
  },
  { additionalProperties: false },
);
export type ProgressResponse = Static<typeof ProgressResponse>;

export const AlertParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), alertId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const AckResponse = Type.Object({ acknowledged: Type.Literal(true) });

export const MergeBody = Type.Object(
  {
    duplicateId: Type.String({
      format: 'uuid',
      description: 'the duplicate call, merged into the incident in the path',
    }),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const Coded = Type.Object({ code: Type.String(), label: Type.String() }, { additionalProperties: false });

export const CodesResponse = Type.Object(
  {
    categories: Type.Array(Coded),
    subTypes: Type.Array(
      Type.Object(
        {
          code: Type.String(),
          category: Type.String(),
          label: Type.String(),
          baseSeverity: Type.Integer(),
          lifeThreat: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    dispositions: Type.Array(Coded),
    results: Type.Array(Coded),
    stageTargetsSec: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
  },
  { additionalProperties: false },
);

export const StageTimer = Type.Object(
  {
    stage: Type.Union([Type.Literal('dispatch'), Type.Literal('acknowledge'), Type.Literal('on_scene')]),
    targetSec: Type.Integer(),
    elapsedSec: Type.Integer(),
    done: Type.Boolean(),
    late: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const QueueQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }) },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const NoteResponse = Type.Object(
  { incidentId: Type.String(), at: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
/** Largest attachment accepted (decoded bytes). */
export const ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024;

export const AttachmentBody = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\\\u0000-\\u001f]+$' }),
    contentType: lit(ATTACHMENT_TYPES),
    dataBase64: Type.String({
      minLength: 4,
      maxLength: Math.ceil(ATTACHMENT_MAX_BYTES / 3) * 4,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
      description: 'The file, base64 (at most 3 MiB decoded)',
    }),
  },
  { additionalProperties: false },
);

export const AttachmentView = Type.Object(
  {
    id: Type.String(),
    incidentId: Type.String(),
    fileName: Type.String(),
    contentType: Type.String(),
    size: Type.Integer(),
    sha256: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const AttachmentList = Type.Object({ items: Type.Array(AttachmentView) }, { additionalProperties: false });

export const AttachmentParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), attachmentId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const LinkBody = Type.Object(
  {
    otherId: Type.String({ format: 'uuid', description: 'the related incident (not a duplicate: both stay open)' }),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const LinksResponse = Type.Object(
  { incidentId: Type.String(), linkedIds: Type.Array(Type.String()) },
  { additionalProperties: false },
);
