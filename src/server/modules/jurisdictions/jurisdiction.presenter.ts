/** What leaves the server about a jurisdiction: name-only views carry no path, boundary or timestamps. */
import type { Access, JurisdictionDetail, JurisdictionNode } from './jurisdiction.service.ts';
import type { Jurisdiction } from './jurisdiction.repository.ts';
import type { JurisdictionResponse, NodeFields } from './jurisdiction.schemas.ts';

/** The fields of one node as the actor may see them. */
export function presentNodeFields(j: Jurisdiction, access: Access): NodeFields {
  const base = { id: j.id, parentId: j.parentId, level: j.level, name: j.name, access };
  return access === 'full' ? { ...base, path: j.path } : base;
}

/** A visible subtree, nested. */
export function presentTreeNode(n: JurisdictionNode): NodeFields & { children: unknown[] } {
  return { ...presentNodeFields(n.jurisdiction, n.access), children: n.children.map(presentTreeNode) };
}

/** One jurisdiction with ancestors; the boundary only in full view. */
export function presentJurisdiction(d: JurisdictionDetail): JurisdictionResponse {
  const fields = presentNodeFields(d.jurisdiction, d.access);
  if (d.access !== 'full') return { ...fields, ancestors: d.ancestors };
  return {
    ...fields,
    boundary: d.jurisdiction.boundary,
    createdAt: new Date(d.jurisdiction.createdAt).toISOString(),
    ancestors: d.ancestors,
  };
}
