/**
 * CONTRACT (being implemented): the one place that decides `can(actor, action, resource)`.
 * Deny by default. Until the policy module lands this denies everything.
 */
import type { Actor, RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';

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

/** True when `actor` may perform `action` on `resource`. */
export function can(_actor: Actor | null, _action: string, _resource: Resource): boolean {
  return false;
}

/** Throws UNAUTHENTICATED without an actor and FORBIDDEN when the policy denies. */
export function authorize(ctx: RequestContext, action: string, resource: Resource): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  if (!can(ctx.actor, action, resource)) {
    throw new AppError('FORBIDDEN', `You may not ${action} here.`, { action, resourceType: resource.type });
  }
  return ctx.actor;
}
