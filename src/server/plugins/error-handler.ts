/**
 * One place that turns every failure into `{ error: { code, message, details } }` with a stable code.
 * Unexpected errors are logged with the request id and answered as INTERNAL without internals.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, toErrorBody } from '../errors.ts';

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function fromValidation(err: FastifyError): AppError {
  const issues = (err.validation ?? []) as AjvIssue[];
  const where = err.validationContext ?? 'body';
  const unknown = issues.find((i) => i.keyword === 'additionalProperties');
  if (unknown) {
    const field = `${unknown.instancePath}/${String(unknown.params.additionalProperty)}`.replace(/^\//, '');
    return new AppError('UNKNOWN_FIELD', `Unknown field "${field}" in ${where}; remove it or check its spelling.`, {
      in: where,
      field,
    });
  }
  const first = issues[0];
  if (where === 'params') {
    const param = first ? first.instancePath.replace(/^\//, '') : '';
    return new AppError('INVALID_ID', `The ${param || 'id'} in the path is not well-formed.`, {
      in: 'params',
      field: param,
      issues: issues.map((i) => ({ path: i.instancePath, keyword: i.keyword, message: i.message })),
    });
  }
  const path = first ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
  return new AppError(
    'VALIDATION_FAILED',
    `Invalid ${where}${path ? ` field "${path}"` : ''}: ${first?.message ?? err.message}.`,
    { in: where, issues: issues.map((i) => ({ path: i.instancePath, keyword: i.keyword, message: i.message })) },
  );
}

/** Maps Fastify's own errors (body parsing, limits) to our codes. */
function fromFastify(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', 'Request body is too large; send less data per request.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'Request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION_FAILED', 'Content-Length does not match the body.');
    default:
      break;
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new AppError('MALFORMED_JSON', 'Request body is not valid JSON.');
  }
  if (err.statusCode === 429) return new AppError('RATE_LIMITED', 'Too many requests; slow down and retry later.');
  return null;
}

/** Registers the error and not-found handlers. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let appErr: AppError;
    if (error instanceof AppError) appErr = error;
    else if (error.validation) appErr = fromValidation(error);
    else {
      const mapped = fromFastify(error);
      if (mapped) appErr = mapped;
      else {
        request.log.error({ err: error }, 'unhandled error');
        appErr = new AppError(
          'INTERNAL',
          'Something went wrong on our side; the request id identifies it in the logs.',
          {
            requestId: request.id,
          },
        );
      }
    }
    if (appErr.status >= 500 && appErr.code !== 'INTERNAL') request.log.error({ err: error }, appErr.code);
    reply.status(appErr.status).send(toErrorBody(appErr));
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new AppError(
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}; see /api/docs.`,
    );
    reply.status(err.status).send(toErrorBody(err));
  });
}
