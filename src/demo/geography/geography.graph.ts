/** The routable graph of a generated geography: roads meet where they share a coordinate (grade separation otherwise). */
import { buildGraph, type GraphNodeInput, type GraphWayInput, type RoadGraph } from '../../server/modules/geo/index.ts';
import type { CityRoad } from '../city.model.ts';

/** Builds the compressed road graph (vertices only at junctions and road ends) from the generated roads. */
export function buildRoadGraph(roads: readonly CityRoad[]): RoadGraph {
  const ids = new Map<string, number>();
  const nodes: GraphNodeInput[] = [];
  const ways: GraphWayInput[] = roads.map((r) => ({
    nodeIds: r.coords.map(([lon, lat]) => {
      const key = `${lon},${lat}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = nodes.length;
        ids.set(key, id);
        nodes.push({ id, lon, lat });
      }
      return id;
    }),
    roadClass: r.roadClass,
    oneway: r.oneway,
  }));
  return buildGraph({ nodes, ways });
}
