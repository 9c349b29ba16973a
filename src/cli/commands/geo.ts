/** `jingwu geo import-osm FILE.osm.pbf [--out FILE] [--keep-all-nodes]`: build a road graph file from OSM. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../server/errors.ts';
import { importOsmPbf, serializeGraph, stronglyConnectedComponents } from '../../server/modules/geo/index.ts';

export function registerGeo(program: Command): void {
  const geo = program.command('geo').description('Road network and geographic data');
  geo
    .command('import-osm')
    .description('Build a road graph file from an OpenStreetMap .osm.pbf extract (car-usable highways)')
    .argument('<file>', 'the .osm.pbf extract')
    .option('--out <file>', 'where to write the graph (default: data/<name>.graph.bin)')
    .option('--keep-all-nodes', 'keep every OSM node as a vertex instead of only intersections and ends')
    .action(async (file: string, opts: { out?: string; keepAllNodes?: boolean }) => {
      const out = opts.out ?? join('data', `${basename(file).replace(/\.osm\.pbf$|\.pbf$/, '')}.graph.bin`);
      try {
        const { graph, stats } = await importOsmPbf(file, { keepAllNodes: opts.keepAllNodes ?? false });
        const scc = stronglyConnectedComponents(graph);
        const bytes = serializeGraph(graph);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, bytes);
        process.stdout.write(
          [
            `Read ${stats.nodesRead} nodes and ${stats.waysRead} ways in ${stats.elapsedMs} ms.`,
            `${stats.routableWays} drivable ways, ${stats.routableNodes} routable nodes.`,
            `Graph: ${stats.vertices} vertices, ${stats.edges} directed edges, ${stats.pieces} road pieces;`,
            `largest strongly connected component: ${(scc.largestShare * 100).toFixed(1)}% of vertices (${scc.count} components).`,
            `Wrote ${out} (${bytes.byteLength} bytes).`,
          ].join('\n') + '\n',
        );
      } catch (err) {
        if (err instanceof AppError) {
          process.stderr.write(`${err.code}: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}
