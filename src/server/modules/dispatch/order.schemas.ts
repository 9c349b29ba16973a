/** Request and response schemas of dispatch orders and incident recommendations. */
import { Type, type Static } from 'typebox';
import { IncidentView } from '../incidents/incident.schemas.ts';
import { RecommendResponse } from './dispatch.schemas.ts';

const Iso = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const OrderStatusEnum = Type.Union([
  Type.Literal('sent'),
  Type.Literal('acknowledged'),
  Type.Literal('en_route'),
  Type.Literal('on_scene'),
  Type.Literal('released'),
  Type.Literal('cancelled'),
]);

export const Order = Type.Object(
  {
    id: Type.String(),
    incidentId: Type.String(),
    unitId: Type.String(),
    callSign: Type.String(),
    status: OrderStatusEnum,
    recommended: Type.Boolean({ description: 'The unit was among the recommendation the dispatcher accepted' }),
    recommendationId: Type.Union([Type.String(), Type.Null()]),
    overrideReason: Type.Union([Type.String(), Type.Null()]),
    sentAt: Type.String({ format: 'date-time' }),
    acknowledgedAt: Iso,
    enRouteAt: Iso,
    onSceneAt: Iso,
    releasedAt: Iso,
    cancelledAt: Iso,
    cancelReason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type OrderDto = Static<typeof Order>;

export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const IncidentRecommendBody = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Units to rank (default 3)' })),
    staleAfterSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'Default 120' })),
  },
  { additionalProperties: false },
);

export const IncidentRecommendResponse = Type.Object(
  {
    ...RecommendResponse.properties,
    recommendationId: Type.String({ description: 'Quote it when dispatching to accept this recommendation' }),
    coverageRule: Type.Boolean({
      description: 'True when the incident’s priority is low enough that the cover a departure leaves counted',
    }),
  },
  { additionalProperties: false },
);
export type IncidentRecommendResponseDto = Static<typeof IncidentRecommendResponse>;

export const DispatchBody = Type.Object(
  {
    unitIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 10 }),
    recommendationId: Type.Optional(Type.String({ format: 'uuid' })),
    overrideReason: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 500,
        description: 'Required when a unit is not in the recommendation (or none is quoted)',
      }),
    ),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type DispatchBodyDto = Static<typeof DispatchBody>;

export const DispatchResponse = Type.Object(
  { incident: IncidentView, orders: Type.Array(Order), override: Type.Boolean() },
  { additionalProperties: false },
);

export const OrderList = Type.Object({ items: Type.Array(Order) }, { additionalProperties: false });

export const MyOrders = Type.Object(
  { items: Type.Array(Type.Object({ order: Order, incident: IncidentView }, { additionalProperties: false })) },
  { additionalProperties: false },
);

export const OrderStatusBody = Type.Object(
  {
    status: Type.Union([Type.Literal('en_route'), Type.Literal('on_scene'), Type.Literal('released')]),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const CancelOrderBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);
