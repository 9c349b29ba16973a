/**
 * Request validation. Bodies are validated strictly: unknown fields are rejected (not silently removed) and
 * types are not coerced ("42" is not 42). Query strings, params and headers arrive as text, so there Ajv
 * coerces scalar types; unknown query parameters are still rejected when a schema sets
 * `additionalProperties: false`.
 */
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const base: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

/** Installs the strict-body / coercing-query validator compilers. */
export function installValidation(app: FastifyInstance): void {
  const strict = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object),
  );
}
