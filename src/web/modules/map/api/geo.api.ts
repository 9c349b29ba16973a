/**
 * Geo data for the map: GeoJSON layers from /api/geo/layers/{name}, place search from /api/geo/search.
 *
 * Until the geo endpoints exist (404), the jurisdiction boundaries come from /api/jurisdictions (one detail
 * request per county, station and community) and stations are drawn at their jurisdiction's centre; search then
 * looks through those names. A layer that answers 404 is simply absent.
 */
import { ApiError } from '../../../app/http.ts';
import { authedJson } from '../../auth/state/session.store.ts';
import { bboxOf, centroidOf, type Geometry, type LonLat } from '../utils/geometry.ts';

export const LAYER_NAMES = ['roads', 'water', 'jurisdictions', 'stations', 'units'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

export interface Feature {
  type: 'Feature';
  id?: string | number;
  geometry: Geometry;
  properties: Record<string, unknown>;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

export const emptyCollection = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

function isFeatureCollection(v: unknown): v is FeatureCollection {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { type?: unknown }).type === 'FeatureCollection' &&
    Array.isArray((v as { features?: unknown }).features)
  );
}

/** One layer, or null when the server does not offer it (404) or answers something that is not GeoJSON. */
export async function fetchLayer(name: LayerName, signal?: AbortSignal): Promise<FeatureCollection | null> {
  try {
    const body = await authedJson<unknown>(`/api/geo/layers/${name}`, { signal });
    return isFeatureCollection(body) ? body : null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

interface TreeNode {
  id: string;
  level: string;
  name: string;
  access: 'full' | 'name_only';
  children: TreeNode[];
}
interface JurisdictionDetail {
  id: string;
  level: string;
  name: string;
  boundary?: Geometry | null;
}

const FALLBACK_LEVELS = new Set(['city', 'county', 'station', 'community']);

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Jurisdiction boundaries from the jurisdictions API (fallback while /api/geo/layers/jurisdictions is absent). */
export async function fetchJurisdictionsFallback(signal?: AbortSignal): Promise<FeatureCollection> {
  const { roots } = await authedJson<{ roots: TreeNode[] }>('/api/jurisdictions', { signal });
  const wanted: TreeNode[] = [];
  const walk = (n: TreeNode) => {
    if (n.access === 'full' && FALLBACK_LEVELS.has(n.level)) wanted.push(n);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  const details = await mapLimit(wanted, 6, (n) =>
    authedJson<JurisdictionDetail>(`/api/jurisdictions/${encodeURIComponent(n.id)}`, { signal }).catch(() => null),
  );
  const features: Feature[] = [];
  for (const d of details) {
    if (!d?.boundary) continue;
    features.push({
      type: 'Feature',
      id: d.id,
      geometry: d.boundary,
      properties: { id: d.id, level: d.level, name: d.name },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Station points at the centre of each station-level jurisdiction (fallback for /api/geo/layers/stations). */
export function stationsFromJurisdictions(jurisdictions: FeatureCollection): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: jurisdictions.features
      .filter((f) => f.properties.level === 'station')
      .map((f) => ({
        type: 'Feature' as const,
        id: f.id,
        geometry: { type: 'Point' as const, coordinates: centroidOf(f.geometry) },
        properties: { id: f.properties.id, name: f.properties.name },
      })),
  };
}

export interface SearchResult {
  kind: 'address' | 'station' | 'unit' | 'jurisdiction' | 'road' | 'place';
  label: string;
  detail?: string;
  location: LonLat;
  bbox?: [number, number, number, number];
}

const KINDS = new Set(['address', 'station', 'unit', 'jurisdiction', 'road', 'place']);

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads one search hit whatever reasonable shape the geo module gives it; null when it has no usable point. */
export function normaliseSearchItem(raw: unknown): SearchResult | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  let location: LonLat | undefined;
  const loc = r.location ?? r.coordinates ?? r.point ?? r.center;
  if (Array.isArray(loc) && num(loc[0]) !== undefined && num(loc[1]) !== undefined) {
    location = [loc[0] as number, loc[1] as number];
  } else if (typeof loc === 'object' && loc !== null) {
    const o = loc as Record<string, unknown>;
    if (o.type === 'Point' && Array.isArray(o.coordinates))
      location = [Number(o.coordinates[0]), Number(o.coordinates[1])];
    else if (num(o.lon) !== undefined && num(o.lat) !== undefined) location = [o.lon as number, o.lat as number];
  } else if (num(r.lon) !== undefined && num(r.lat) !== undefined) {
    location = [r.lon as number, r.lat as number];
  }
  if (!location || !location.every(Number.isFinite)) return null;
  const label = [r.label, r.name, r.address, r.callSign, r.text].find((v) => typeof v === 'string' && v.trim());
  if (typeof label !== 'string') return null;
  const kind =
    typeof r.kind === 'string' && KINDS.has(r.kind)
      ? r.kind
      : typeof r.type === 'string' && KINDS.has(r.type)
        ? r.type
        : 'place';
  const detail = [r.detail, r.district, r.jurisdictionName].find((v) => typeof v === 'string' && v.trim());
  return { kind: kind as SearchResult['kind'], label, detail: detail as string | undefined, location };
}

/** Searches the geo module; on 404 falls back to matching the names in `local`. */
export async function searchPlaces(q: string, local: FeatureCollection, signal?: AbortSignal): Promise<SearchResult[]> {
  try {
    const body = await authedJson<unknown>(`/api/geo/search?q=${encodeURIComponent(q)}`, { signal });
    const items = Array.isArray(body)
      ? body
      : typeof body === 'object' && body !== null
        ? ((body as { items?: unknown; results?: unknown }).items ?? (body as { results?: unknown }).results)
        : [];
    return (Array.isArray(items) ? items : []).map(normaliseSearchItem).filter((r): r is SearchResult => r !== null);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404 || err.code !== 'ROUTE_NOT_FOUND') throw err;
    return searchLocally(q, local);
  }
}

/** Name search over loaded features (fallback search). */
export function searchLocally(q: string, local: FeatureCollection): SearchResult[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  return local.features
    .filter((f) => typeof f.properties.name === 'string' && f.properties.name.toLowerCase().includes(needle))
    .slice(0, 10)
    .map((f) => ({
      kind: f.properties.level === 'station' ? ('station' as const) : ('jurisdiction' as const),
      label: f.properties.name as string,
      location: centroidOf(f.geometry),
      bbox: f.geometry.type === 'Point' ? undefined : bboxOf(f.geometry),
    }));
}
