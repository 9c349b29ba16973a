/**
 * Jurisdiction use cases: read the tree as the actor may see it, create, rename/re-draw and move nodes.
 *
 * Visibility: a node the policy lets the actor `jurisdiction.read` is shown in full; the ancestors of the
 * actor's read scopes are shown by name only (a county officer sees his county's subtree and the names of
 * its city and province, nothing of the neighbouring county). Everything else answers JURISDICTION_NOT_FOUND,
 * so existence does not leak.
 */
import { sql } from 'drizzle-orm';
import { JURISDICTION_LEVELS, type JurisdictionLevel } from '../../../contracts/roles.ts';
import { recordAudit, transaction, type Actor, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize, can } from '../policy/policy.ts';
import { roleAllows } from '../policy/policy.rules.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { validateBoundary, type Boundary } from './jurisdiction.geojson.ts';
import {
  findJurisdiction,
  findJurisdictionsByIds,
  insertJurisdiction,
  listJurisdictions,
  lockTreeForMove,
  moveSubtree,
  updateJurisdiction,
  type Jurisdiction,
} from './jurisdiction.repository.ts';

export type Access = 'full' | 'name_only';

/** A node of the visible tree. */
export interface JurisdictionNode {
  jurisdiction: Jurisdiction;
  access: Access;
  children: JurisdictionNode[];
}

/** One jurisdiction with the names of its ancestors, outermost first. */
export interface JurisdictionDetail {
  jurisdiction: Jurisdiction;
  access: Access;
  ancestors: Pick<Jurisdiction, 'id' | 'name' | 'level'>[];
}

const READ = 'jurisdiction.read';
const MANAGE = 'jurisdiction.manage';
const MAX_DEPTH = JURISDICTION_LEVELS.length;

/** Code shapes per level: GB/T 2260 for province/city/county (2/4/6 digits), three more digits per level below. */
const CODE_LENGTH: Record<JurisdictionLevel, number> = {
  province: 2,
  city: 4,
  county: 6,
  station: 9,
  community: 12,
  grid: 15,
};

const resourceOf = (path: string) => ({ type: 'jurisdiction', jurisdictionPath: path });
const segments = (path: string) => path.split('/').filter(Boolean);
const depthOf = (path: string) => segments(path).length;

function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  return ctx.actor;
}

function notFound(id: string): AppError {
  return new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${id} that you may see; check the code.`, { id });
}

/** Ids the actor sees by name only: ancestors of its read scopes that it cannot read in full. */
function nameOnlyIds(actor: Actor, now: Date): Set<string> {
  const out = new Set<string>();
  for (const a of actor.assignments) {
    if (!roleAllows(a.role, READ)) continue;
    const segs = segments(a.jurisdictionPath);
    for (let k = 1; k < segs.length; k++) {
      const prefix = `/${segs.slice(0, k).join('/')}/`;
      if (!can(actor, READ, resourceOf(prefix), { now })) out.add(segs[k - 1]!);
    }
  }
  return out;
}

function accessTo(actor: Actor, j: Jurisdiction, names: Set<string>, now: Date): Access | null {
  if (can(actor, READ, resourceOf(j.path), { now })) return 'full';
  return names.has(j.id) ? 'name_only' : null;
}

async function visibleOne(ctx: RequestContext, id: string): Promise<{ j: Jurisdiction; access: Access }> {
  const actor = requireActor(ctx);
  const j = await findJurisdiction(ctx.db, id);
  const access = j ? accessTo(actor, j, nameOnlyIds(actor, ctx.now()), ctx.now()) : null;
  if (!j || !access) throw notFound(id);
  return { j, access };
}

/** The visible tree, or the visible subtree under `rootId`, `depth` levels deep (0 = the root only). */
export async function getTree(
  ctx: RequestContext,
  opts: { rootId?: string; depth?: number } = {},
): Promise<JurisdictionNode[]> {
  const actor = requireActor(ctx);
  const now = ctx.now();
  let rootPath: string | undefined;
  let maxDepth = opts.depth === undefined ? MAX_DEPTH : opts.depth;
  if (opts.rootId !== undefined) {
    const { j } = await visibleOne(ctx, opts.rootId);
    rootPath = j.path;
    maxDepth = depthOf(j.path) + (opts.depth ?? MAX_DEPTH);
  }
  const full = await listJurisdictions(ctx.db, {
    rootPath,
    maxDepth,
    where: policyFilter(actor, READ, { path: sql`path` }, { now }),
  });
  const names = nameOnlyIds(actor, now);
  const named = (await findJurisdictionsByIds(ctx.db, [...names])).filter(
    (j) => (!rootPath || j.path.startsWith(rootPath)) && depthOf(j.path) <= maxDepth,
  );
  const nodes = [
    ...named.map((j) => ({ jurisdiction: j, access: 'name_only' as const, children: [] })),
    ...full.map((j) => ({ jurisdiction: j, access: 'full' as const, children: [] })),
  ].sort((a, b) => a.jurisdiction.path.localeCompare(b.jurisdiction.path));
  const byId = new Map<string, JurisdictionNode>(nodes.map((n) => [n.jurisdiction.id, n]));
  const roots: JurisdictionNode[] = [];
  for (const n of nodes) {
    const parent = n.jurisdiction.parentId ? byId.get(n.jurisdiction.parentId) : undefined;
    if (parent && n.jurisdiction.path !== rootPath) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

async function describe(ctx: RequestContext, j: Jurisdiction, access: Access): Promise<JurisdictionDetail> {
  const ancestorIds = segments(j.path).slice(0, -1);
  const found = new Map((await findJurisdictionsByIds(ctx.db, ancestorIds)).map((a) => [a.id, a]));
  const ancestors = ancestorIds
    .map((a) => found.get(a))
    .filter((a): a is Jurisdiction => a !== undefined)
    .map((a) => ({ id: a.id, name: a.name, level: a.level }));
  return { jurisdiction: access === 'full' ? j : { ...j, boundary: null }, access, ancestors };
}

/** One jurisdiction with its ancestors' names; boundaries only in full view. */
export async function getJurisdiction(ctx: RequestContext, id: string): Promise<JurisdictionDetail> {
  const { j, access } = await visibleOne(ctx, id);
  return describe(ctx, j, access);
}

/** The visible direct children of a visible jurisdiction. */
export async function getChildren(ctx: RequestContext, id: string): Promise<JurisdictionNode[]> {
  const actor = requireActor(ctx);
  await visibleOne(ctx, id);
  const now = ctx.now();
  const names = nameOnlyIds(actor, now);
  const children = await listJurisdictions(ctx.db, { parentId: id, where: sql`true` });
  return children.flatMap((j) => {
    const access = accessTo(actor, j, names, now);
    return access ? [{ jurisdiction: j, access, children: [] }] : [];
  });
}

export interface CreateJurisdictionInput {
  id: string;
  parentId: string | null;
  level: JurisdictionLevel;
  name: string;
  boundary?: unknown;
}

function hierarchyError(message: string, details: Record<string, unknown>): AppError {
  return new AppError('JURISDICTION_HIERARCHY', message, details);
}

/** The level a child of `parentLevel` must have. */
function childLevel(parentLevel: JurisdictionLevel | null): JurisdictionLevel | undefined {
  if (parentLevel === null) return 'province';
  return JURISDICTION_LEVELS[JURISDICTION_LEVELS.indexOf(parentLevel) + 1];
}

/** Creates a jurisdiction under an existing parent (system admin of that subtree). */
export async function createJurisdiction(
  ctx: RequestContext,
  input: CreateJurisdictionInput,
): Promise<JurisdictionDetail> {
  const boundary = input.boundary === undefined || input.boundary === null ? null : validateBoundary(input.boundary);
  return transaction(ctx, async (tx) => {
    const parent = input.parentId === null ? null : await findJurisdiction(tx.db, input.parentId);
    if (
      input.parentId !== null &&
      (!parent || !can(requireActor(tx), READ, resourceOf(parent.path), { now: tx.now() }))
    )
      throw notFound(input.parentId);
    const path = `${parent ? parent.path : '/'}${input.id}/`;
    authorize(tx, MANAGE, resourceOf(parent ? parent.path : '/'));
    const expectedLevel = childLevel(parent ? parent.level : null);
    if (input.level !== expectedLevel) {
      throw hierarchyError(
        `A child of ${parent ? `${parent.level} ${parent.id}` : 'the root'} must be a ${expectedLevel ?? '(none: grids have no children)'}.`,
        { level: input.level, expectedLevel: expectedLevel ?? null },
      );
    }
    const length = CODE_LENGTH[input.level];
    if (input.id.length !== length || (parent && !input.id.startsWith(parent.id))) {
      throw hierarchyError(
        `A ${input.level} code has ${length} digits and starts with its parent's code${parent ? ` ${parent.id}` : ''}.`,
        { id: input.id, length, prefix: parent?.id ?? null },
      );
    }
    const j = { id: input.id, parentId: input.parentId, level: input.level, name: input.name, path, boundary };
    if (!(await insertJurisdiction(tx.db, j))) {
      throw new AppError('JURISDICTION_EXISTS', `Jurisdiction ${input.id} exists already; choose another code.`, {
        id: input.id,
      });
    }
    await recordAudit(tx, {
      action: 'jurisdiction.create',
      resourceType: 'jurisdiction',
      resourceId: input.id,
      outcome: 'success',
      jurisdictionId: input.id,
      payload: { parentId: input.parentId, level: input.level, name: input.name, hasBoundary: boundary !== null },
    });
    return describe(tx, (await findJurisdiction(tx.db, input.id))!, 'full');
  });
}

/** Renames a jurisdiction and/or replaces (or clears, with null) its boundary. */
export async function updateJurisdictionDetails(
  ctx: RequestContext,
  id: string,
  patch: { name?: string; boundary?: unknown },
): Promise<JurisdictionDetail> {
  const boundary: Boundary | null | undefined =
    patch.boundary === undefined ? undefined : patch.boundary === null ? null : validateBoundary(patch.boundary);
  return transaction(ctx, async (tx) => {
    const j = await findJurisdiction(tx.db, id, { forUpdate: true });
    if (!j || !can(requireActor(tx), READ, resourceOf(j.path), { now: tx.now() })) throw notFound(id);
    authorize(tx, MANAGE, resourceOf(j.path));
    await updateJurisdiction(tx.db, id, { name: patch.name, boundary });
    await recordAudit(tx, {
      action: 'jurisdiction.update',
      resourceType: 'jurisdiction',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: id,
      payload: { name: patch.name, boundaryChanged: boundary !== undefined },
    });
    return describe(tx, (await findJurisdiction(tx.db, id))!, 'full');
  });
}

/**
 * Moves a jurisdiction (and its subtree) under a new parent of the level above, rewriting every descendant's
 * path in the same transaction. Moving to the current parent is a no-op, so retries are harmless. Codes stay
 * as they are: they identify records everywhere, even after a re-division.
 */
export async function moveJurisdiction(
  ctx: RequestContext,
  id: string,
  newParentId: string,
): Promise<{ jurisdiction: JurisdictionDetail; moved: number }> {
  return transaction(ctx, async (tx) => {
    const actor = requireActor(tx);
    await lockTreeForMove(tx.db);
    const j = await findJurisdiction(tx.db, id, { forUpdate: true });
    if (!j || !can(actor, READ, resourceOf(j.path), { now: tx.now() })) throw notFound(id);
    authorize(tx, MANAGE, resourceOf(j.path));
    const parent = await findJurisdiction(tx.db, newParentId);
    if (!parent || !can(actor, READ, resourceOf(parent.path), { now: tx.now() })) throw notFound(newParentId);
    authorize(tx, MANAGE, resourceOf(parent.path));
    if (j.parentId === parent.id) return { jurisdiction: await describe(tx, j, 'full'), moved: 0 };
    if (parent.path.startsWith(j.path)) {
      throw hierarchyError(`Cannot move ${id} under itself or one of its descendants (${parent.id}).`, {
        id,
        parentId: newParentId,
      });
    }
    if (childLevel(parent.level) !== j.level) {
      throw hierarchyError(
        `A ${j.level} must sit under a ${JURISDICTION_LEVELS[JURISDICTION_LEVELS.indexOf(j.level) - 1] ?? 'nothing'}, not a ${parent.level}.`,
        {
          level: j.level,
          parentLevel: parent.level,
        },
      );
    }
    const newPath = `${parent.path}${j.id}/`;
    const moved = await moveSubtree(tx.db, id, parent.id, j.path, newPath);
    await recordAudit(tx, {
      action: 'jurisdiction.move',
      resourceType: 'jurisdiction',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: id,
      payload: { from: j.parentId, to: parent.id, moved },
    });
    return { jurisdiction: await describe(tx, (await findJurisdiction(tx.db, id))!, 'full'), moved };
  });
}
