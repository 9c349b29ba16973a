/** Strongly connected components of a road graph (iterative Tarjan: no recursion, so no stack overflow). */
import type { RoadGraph } from './road.graph.ts';

/** Component id per vertex (0..count-1), the component count, and the size of each component. */
export interface Components {
  component: Int32Array;
  count: number;
  sizes: Int32Array;
  /** Id of the largest component and its share of all vertices. */
  largest: number;
  largestShare: number;
}

/** Computes the strongly connected components of the directed graph. */
export function stronglyConnectedComponents(graph: RoadGraph): Components {
  const V = graph.vertexCount;
  const { offsets, targets } = graph;
  const index = new Int32Array(V).fill(-1);
  const low = new Int32Array(V);
  const onStack = new Uint8Array(V);
  const stack = new Int32Array(V);
  let sp = 0;
  const component = new Int32Array(V).fill(-1);
  // Explicit call stack: vertex and the next edge to look at.
  const callV = new Int32Array(V);
  const callE = new Int32Array(V);
  let counter = 0;
  let count = 0;
  const sizes: number[] = [];
  for (let root = 0; root < V; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callV[0] = root;
    callE[0] = offsets[root]!;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callV[depth]!;
      const e = callE[depth]!;
      if (e < offsets[v + 1]!) {
        callE[depth] = e + 1;
        const w = targets[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth++;
          callV[depth] = w;
          callE[depth] = offsets[w]!;
        } else if (onStack[w] && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          component[w] = count;
          size++;
        } while (w !== v);
        sizes.push(size);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callV[depth]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  let largest = -1;
  for (let c = 0; c < count; c++) if (largest < 0 || sizes[c]! > sizes[largest]!) largest = c;
  return {
    component,
    count,
    sizes: Int32Array.from(sizes),
    largest,
    largestShare: V > 0 ? sizes[largest]! / V : 0,
  };
}
