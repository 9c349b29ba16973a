/** HTTP routes of user management (`/api/users`): thin handlers, one service call each, presenters mask. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import { parseIdempotencyKey, withIdempotency } from '../idempotency/idempotency.service.ts';
import {
  AssignRoleBody,
  CreateUserBody,
  CreateUserResponse,
  ExportUsersQuery,
  GrantParams,
  ListUsersQuery,
  RoleParams,
  RolesResponse,
  TaskGrantBody,
  TaskGrantView,
  UserIdParams,
  UserListResponse,
  UserView,
} from './user.schemas.ts';
import {
  assignRole,
  createTaskGrant,
  createUser,
  exportVisibleUsers,
  getUser,
  listVisibleUsers,
  removeRole,
  revokeTaskGrant,
  setStatus,
} from './user.service.ts';
import { presentUsers } from './user.presenter.ts';
import { usersToCsv } from './user.csv.ts';

const tags = ['users'];

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const passwordMinLength = app.config.auth.passwordMinLength;

  app.get(
    '/api/users',
    {
      schema: {
        tags,
        summary: 'List or search the users you may see (masked per policy)',
        querystring: ListUsersQuery,
        response: { 200: UserListResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const { users, nextCursor } = await listVisibleUsers(request.ctx, request.query);
      return { items: await presentUsers(request.ctx, users, 'list'), nextCursor };
    },
  );

  app.get(
    '/api/users/export.csv',
    {
      schema: {
        tags,
        summary: 'Export the users you may see as CSV (same filter and masking as the list)',
        querystring: ExportUsersQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'text/csv; charset=utf-8' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const users = await exportVisibleUsers(request.ctx, request.query);
      const csv = usersToCsv(await presentUsers(request.ctx, users, 'export'));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="users.csv"')
        .send(csv);
    },
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        tags,
        summary: 'One user (masked per policy; you always see your own data)',
        params: UserIdParams,
        response: { 200: UserView, ...errorResponses(401, 404) },
      },
    },
    async (request) => (await presentUsers(request.ctx, [await getUser(request.ctx, request.params.id)], 'get'))[0]!,
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags,
        summary: 'Create an account (system admin; accepts Idempotency-Key; a generated password is returned once)',
        body: CreateUserBody,
        response: { 201: CreateUserResponse, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      const result = await withIdempotency(
        request.ctx,
        {
          key,
          method: 'POST',
          route: '/api/users',
          body: request.body,
          status: 201,
          // The generated password is shown once; a replay answers without it.
          storable: ({ user }: { user: unknown }) => ({ user }),
        },
        async (tx) => {
          const created = await createUser(tx, request.body, { passwordMinLength });
          const [user] = await presentUsers(tx, [created.user], 'create');
          return created.initialPassword ? { user: user!, initialPassword: created.initialPassword } : { user: user! };
        },
      );
      return reply.code(201).send(result.body);
    },
  );

  for (const [path, status, summary] of [
    ['disable', 'disabled', 'Disable an account (system admin; idempotent)'],
    ['enable', 'active', 'Re-enable an account (system admin; idempotent)'],
  ] as const) {
    app.post(
      `/api/users/:id/${path}`,
      {
        schema: { tags, summary, params: UserIdParams, response: { 200: UserView, ...errorResponses(401, 403, 404) } },
      },
      async (request) =>
        (await presentUsers(request.ctx, [await setStatus(request.ctx, request.params.id, status)], path))[0]!,
    );
  }

  app.post(
    '/api/users/:id/roles',
    {
      schema: {
        tags,
        summary: 'Assign a role over a jurisdiction subtree (security admin; separation of duties; idempotent)',
        params: UserIdParams,
        body: AssignRoleBody,
        response: { 200: RolesResponse, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => ({
      userId: request.params.id,
      roles: await assignRole(request.ctx, request.params.id, request.body),
    }),
  );

  app.delete(
    '/api/users/:id/roles/:role/:jurisdictionId',
    {
      schema: {
        tags,
        summary: 'Remove a role assignment (security admin; idempotent)',
        params: RoleParams,
        response: { 200: RolesResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { id, role, jurisdictionId } = request.params;
      return { userId: id, roles: await removeRole(request.ctx, id, { role, jurisdictionId }) };
    },
  );

  app.post(
    '/api/users/:id/task-grants',
    {
      schema: {
        tags,
        summary: 'Lend a user to a task in your jurisdiction (duty leader / county duty officer; Idempotency-Key)',
        params: UserIdParams,
        body: TaskGrantBody,
        response: { 201: TaskGrantView, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      const result = await withIdempotency(
        request.ctx,
        {
          key,
          method: 'POST',
          route: `/api/users/${request.params.id}/task-grants`,
          body: request.body,
          status: 201,
        },
        (tx) => createTaskGrant(tx, request.params.id, request.body),
      );
      return reply.code(201).send(result.body);
    },
  );

  app.delete(
    '/api/users/:id/task-grants/:grantId',
    {
      schema: {
        tags,
        summary: 'End a task grant now (idempotent)',
        params: GrantParams,
        response: { 200: TaskGrantView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => revokeTaskGrant(request.ctx, request.params.id, request.params.grantId),
  );
};
