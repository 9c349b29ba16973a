/** Schemas shared by many routes. */
import { Type, type TSchema } from 'typebox';
import { ERROR_CODES } from './error-codes.ts';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Union(Object.keys(ERROR_CODES).map((c) => Type.Literal(c))),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  {
    $id: 'ErrorResponse',
    description: 'Every error: a stable code (docs/errors.md), a message that says how to fix, details.',
  },
);

/** Standard error responses to spread into a route's `response` map. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [400, ...statuses]) out[s] = Type.Ref('ErrorResponse');
  return out;
}

/** Ids in paths: UUIDs only, so path traversal and injection-shaped ids are rejected at the edge. */
export const UuidParam = Type.String({ format: 'uuid', description: 'UUID' });

/** Codes in paths (jurisdictions): digits only. */
export const CodeParam = Type.String({ pattern: '^[0-9]{2,24}$', description: 'Jurisdiction code' });
