/** Colours of the board map and its legend: incidents by severity, units by status. */

export const SEVERITY_COLORS: Record<number, string> = {
  1: '#d92d20',
  2: '#f26b1d',
  3: '#e0a800',
  4: '#2e90fa',
};

export const UNIT_STATUS_COLORS: Record<string, string> = {
  available: '#1f9d45',
  dispatched: '#7a5af8',
  en_route: '#c11574',
  on_scene: '#b42318',
  returning: '#0e9384',
  busy: '#667085',
  off_duty: '#98a2b3',
};

/** A MapLibre `match` expression colouring features by a property through `colors`. */
export function matchColor(property: string, colors: Record<string | number, string>, fallback: string): unknown[] {
  const pairs = Object.entries(colors).flatMap(([k, v]) => [Number.isNaN(Number(k)) ? k : Number(k), v]);
  return ['match', ['get', property], ...pairs, fallback];
}
