/** HTTP endpoints under /api/auth: thin handlers that validate, call one service function and present. */
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import type { AuthSettings } from './auth.settings.ts';
import * as auth from './auth.service.ts';
import { changePassword } from './password.service.ts';
import { disableTotp, enableTotp, setupTotp } from './totp.service.ts';
import { presentMe, presentSessions, presentTokenGrant } from './auth.presenter.ts';
import {
  EmptyBody,
  LoginBody,
  MeResponse,
  NoQuery,
  PasswordChangeBody,
  RefreshBody,
  SessionIdParams,
  SessionsResponse,
  TokenResponse,
  TotpDisableBody,
  TotpEnableBody,
  TotpSetupResponse,
} from './auth.schemas.ts';

const tags = ['auth'];

/**
 * For routes that take no input: a request without a body is validated as `{}`, so the strict empty-object
 * schema still rejects unknown fields when a body is sent.
 */
async function emptyBodyAllowed(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
const NoContent = Type.Null({ description: 'No content' });

/** The auth routes, bound to the given settings. */
export function authRoutes(settings: AuthSettings): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/auth/login',
      {
        config: { authentication: 'ignore' },
        schema: {
          tags,
          summary: 'Log in with username, password and (when enabled) a TOTP code',
          security: [],
          body: LoginBody,
          response: { 200: TokenResponse, ...errorResponses(401, 403, 423) },
        },
      },
      async (request) => presentTokenGrant(await auth.login(request.ctx, settings, request.body)),
    );

    app.post(
      '/api/auth/refresh',
      {
        config: { authentication: 'ignore' },
        schema: {
          tags,
          summary: 'Exchange a refresh token for a new token pair (the old refresh token is spent)',
          security: [],
          body: RefreshBody,
          response: { 200: TokenResponse, ...errorResponses(401) },
        },
      },
      async (request) => presentTokenGrant(await auth.refresh(request.ctx, settings, request.body.refreshToken)),
    );

    app.post(
      '/api/auth/logout',
      {
        config: { allowWithPasswordChangeRequired: true },
        preValidation: emptyBodyAllowed,
        schema: {
          tags,
          summary: 'End the current session; its tokens stop working at once',
          body: EmptyBody,
          response: { 204: NoContent, ...errorResponses(401) },
        },
      },
      async (request, reply) => {
        await auth.logout(request.ctx);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/auth/me',
      {
        config: { allowWithPasswordChangeRequired: true },
        schema: {
          tags,
          summary: 'Who am I: identity, role assignments with jurisdictions, active task grants',
          querystring: NoQuery,
          response: { 200: MeResponse, ...errorResponses(401) },
        },
      },
      async (request) => presentMe(await auth.whoAmI(request.ctx, settings)),
    );

    app.get(
      '/api/auth/sessions',
      {
        config: { allowWithPasswordChangeRequired: true },
        schema: {
          tags,
          summary: 'My live sessions',
          querystring: NoQuery,
          response: { 200: SessionsResponse, ...errorResponses(401) },
        },
      },
      async (request) => presentSessions(await auth.listOwnSessions(request.ctx, settings)),
    );

    app.delete(
      '/api/auth/sessions/:id',
      {
        config: { allowWithPasswordChangeRequired: true },
        schema: {
          tags,
          summary: 'Revoke one of my sessions',
          params: SessionIdParams,
          response: { 204: NoContent, ...errorResponses(401, 404) },
        },
      },
      async (request, reply) => {
        await auth.revokeOwnSession(request.ctx, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/password',
      {
        config: { allowWithPasswordChangeRequired: true },
        schema: {
          tags,
          summary: 'Change my password (revokes my other sessions)',
          body: PasswordChangeBody,
          response: { 204: NoContent, ...errorResponses(401, 423) },
        },
      },
      async (request, reply) => {
        await changePassword(request.ctx, settings, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/totp/setup',
      {
        preValidation: emptyBodyAllowed,
        schema: {
          tags,
          summary: 'Create a TOTP secret for me (pending until enabled with a code)',
          body: EmptyBody,
          response: { 200: TotpSetupResponse, ...errorResponses(401, 403, 409) },
        },
      },
      async (request) => setupTotp(request.ctx, settings),
    );

    app.post(
      '/api/auth/totp/enable',
      {
        schema: {
          tags,
          summary: 'Enable my pending TOTP secret by proving a code',
          body: TotpEnableBody,
          response: { 204: NoContent, ...errorResponses(401, 403, 409) },
        },
      },
      async (request, reply) => {
        await enableTotp(request.ctx, settings, request.body.code);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/totp/disable',
      {
        schema: {
          tags,
          summary: 'Disable my TOTP second factor (needs a code and my password)',
          body: TotpDisableBody,
          response: { 204: NoContent, ...errorResponses(401, 403, 409, 423) },
        },
      },
      async (request, reply) => {
        await disableTotp(request.ctx, settings, request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
