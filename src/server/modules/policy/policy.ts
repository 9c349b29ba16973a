/**
 * The one place that decides `can(actor, action, resource)`. Deny by default.
 *
 * An actor may perform an action on a resource when, in this order:
 * 1. (attribute) the resource is about the actor (`ownerId`): actions in NOT_ON_SELF are denied outright,
 *    actions in SELF_ACTIONS are allowed (self-service);
 * 2. (role + scope) one of the actor's role assignments lists the action (policy.rules.ts) and the resource's
 *    jurisdiction path lies in the assignment's subtree (`/44/4401/` covers `/44/4401/440103/…`). Platform-wide
 *    resources (`/`) are covered only by assignments at a top-level jurisdiction (the province);
 * 3. (task grant) an active grant (startsAt <= now < endsAt) lists the action, the action is grantable, the
 *    resource's `taskRefs` include the grant's task and its path lies under the grant's jurisdiction.
 *
 * `policy.filter.ts` compiles the same three rules to SQL for lists; a property test keeps the two equal.
 */
import type { Actor, RequestContext, TaskGrant } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { GRANTABLE_ACTIONS, NOT_ON_SELF, SELF_ACTIONS, isAction, roleAllows } from './policy.rules.ts';

/** What is being acted on: its type, where it lives in the jurisdiction tree, and attributes. */
export interface Resource {
  type: string;
  /** Materialised path of the record's jurisdiction, e.g. `/44/4401/440106/`; `/` for platform-wide resources. */
  jurisdictionPath: string;
  id?: string;
  /** Tasks the record belongs to (e.g. `deployment:…`), for task-scoped grants. */
  taskRefs?: string[];
  /** The user the record is about, when it is about a user (self-service rules). */
  ownerId?: string;
}

export interface CanOptions {
  /** Business time for grant windows; defaults to the wall clock. */
  now?: Date;
}

/** A well-formed materialised path: `/`, or `/seg/seg/…/` with non-empty segments of safe characters. */
const PATH = /^\/(?:[A-Za-z0-9_-]+\/)*$/;

/** True when `path` is a well-formed materialised jurisdiction path. */
export function isJurisdictionPath(path: string): boolean {
  return PATH.test(path);
}

/** True for a scope at a top-level jurisdiction (`/44/`), which also covers platform-wide resources (`/`). */
export function isRootScope(scopePath: string): boolean {
  return /^\/[A-Za-z0-9_-]+\/$/.test(scopePath);
}

/** True when a role or grant held over `scopePath` reaches a resource at `resourcePath`. */
export function scopeCovers(scopePath: string, resourcePath: string): boolean {
  if (!isJurisdictionPath(scopePath) || scopePath === '/' || !isJurisdictionPath(resourcePath)) return false;
  if (resourcePath === '/') return isRootScope(scopePath);
  return resourcePath.startsWith(scopePath);
}

/** True when `grant` is in force at `now`. */
export function grantActive(grant: TaskGrant, now: Date): boolean {
  const t = now.getTime();
  return grant.startsAt.getTime() <= t && t < grant.endsAt.getTime();
}

/** True when `actor` may perform `action` on `resource`. */
export function can(actor: Actor | null, action: string, resource: Resource, opts: CanOptions = {}): boolean {
  if (!actor || !isAction(action) || !isJurisdictionPath(resource.jurisdictionPath)) return false;
  if (resource.ownerId !== undefined && resource.ownerId === actor.userId) {
    if (NOT_ON_SELF.has(action)) return false;
    if (SELF_ACTIONS.has(action)) return true;
  }
  for (const a of actor.assignments) {
    if (roleAllows(a.role, action) && scopeCovers(a.jurisdictionPath, resource.jurisdictionPath)) return true;
  }
  if (GRANTABLE_ACTIONS.has(action) && resource.taskRefs?.length) {
    const now = opts.now ?? new Date();
    for (const g of actor.grants) {
      if (
        g.actions.includes(action) &&
        grantActive(g, now) &&
        resource.taskRefs.includes(g.taskRef) &&
        resource.jurisdictionPath !== '/' &&
        scopeCovers(g.jurisdictionPath, resource.jurisdictionPath)
      ) {
        return true;
      }
    }
  }
  return false;
}

/** Throws UNAUTHENTICATED without an actor and FORBIDDEN when the policy denies. */
export function authorize(ctx: RequestContext, action: string, resource: Resource): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  if (!can(ctx.actor, action, resource, { now: ctx.now() })) {
    throw new AppError('FORBIDDEN', `You may not ${action} here.`, { action, resourceType: resource.type });
  }
  return ctx.actor;
}
