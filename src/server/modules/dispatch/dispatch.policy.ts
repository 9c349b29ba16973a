/**
 * Who may do what to units: reading is `unit.read`; a status change is `unit.update` (station) or
 * `incident.dispatch` (the dispatcher), each within the unit's jurisdiction, or being on the unit's crew (the
 * officer's app); AVL fixes need `unit.update` or crew membership; units are recommended only to someone who
 * may dispatch them (`incident.dispatch`). The crew rule still needs `unit.read` on the unit.
 */
import type { Actor, RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { can, type Resource } from '../policy/policy.ts';
import { roleAllows } from '../policy/policy.rules.ts';

/** The policy resource of a unit. */
export function unitResource(u: { id: string; path: string }): Resource {
  return { type: 'unit', id: u.id, jurisdictionPath: u.path };
}

/** The actor, or UNAUTHENTICATED. */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  return ctx.actor;
}

/** True when the actor may see the unit. */
export function canReadUnit(ctx: RequestContext, u: { id: string; path: string }): boolean {
  return can(ctx.actor, 'unit.read', unitResource(u), { now: ctx.now() });
}

const onCrew = (ctx: RequestContext, crew: ReadonlySet<string> | undefined): boolean =>
  ctx.actor !== null && (crew?.has(ctx.actor.userId) ?? false);

/** True when the actor may change the unit's status (`crew`: login ids of the unit's active crew). */
export function canChangeUnitStatus(
  ctx: RequestContext,
  u: { id: string; path: string },
  crew?: ReadonlySet<string>,
): boolean {
  const r = unitResource(u);
  const now = ctx.now();
  return (
    can(ctx.actor, 'unit.update', r, { now }) || can(ctx.actor, 'incident.dispatch', r, { now }) || onCrew(ctx, crew)
  );
}

/** True when the actor may report positions for the unit (`crew`: login ids of its active crew). */
export function canReportPosition(
  ctx: RequestContext,
  u: { id: string; path: string },
  crew?: ReadonlySet<string>,
): boolean {
  return can(ctx.actor, 'unit.update', unitResource(u), { now: ctx.now() }) || onCrew(ctx, crew);
}

/** True when some role of the actor may dispatch units somewhere (the recommendation is for dispatchers). */
export function mayDispatchSomewhere(actor: Actor): boolean {
  return actor.assignments.some((a) => roleAllows(a.role, 'incident.dispatch'));
}
