/**
 * The geo library: road graph and travel times, snapping, OSM import, point-in-polygon, GCJ-02, binning and
 * coordinate checks. Pure functions over typed arrays; no database, no HTTP.
 *
 * @example
 *   const { graph } = await importOsmPbf('andorra.osm.pbf');
 *   const network = createSnapIndex(graph);
 *   const { etas } = etasTo(network, incident, unitPositions, { departAt: new Date(), horizonSec: 45 * 60 });
 */
export { assertValidCoordinates, isValidCoordinates, CHINA_BBOX, type BBox } from './coordinates.validation.ts';
export { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02.transform.ts';
export { haversineM } from './geo.math.ts';
export { binSquare, createSquareGrid, h3Cell, h3CellPolygon, type SquareGrid } from './grid.binning.ts';
export { importOsmPbf, type OsmImportStats } from './osm.import.ts';
export { createPolygonIndex, type PolygonFeature, type PolygonGeometry, type PolygonIndex } from './polygon.index.ts';
export {
  buildGraph,
  deserializeGraph,
  serializeGraph,
  type BuildGraphOptions,
  type GraphNodeInput,
  type GraphWayInput,
  type RoadGraph,
} from './road.graph.ts';
export { stronglyConnectedComponents, type Components } from './road.scc.ts';
export {
  boundedDijkstra,
  edgeTimes,
  etasTo,
  route,
  travelTimesFrom,
  type Eta,
  type Route,
  type TravelOptions,
} from './road.search.ts';
export { createSnapIndex, snapToRoad, type Snap, type SnapIndex } from './road.snap.ts';
export {
  DEFAULT_SPEED_PROFILE,
  ROAD_CLASSES,
  ROAD_CLASS_ALIASES,
  type RoadClass,
  type RoadClassName,
  type SpeedProfile,
} from './road.speeds.ts';
