/**
 * The map style, built in code: a background and GeoJSON sources only — no remote tiles, glyphs or sprites
 * (the platform runs without internet). Text labels are DOM markers (see CityMap), so no glyph server is needed;
 * `localIdeographFontFamily` covers CJK should a symbol layer ever be added.
 */
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';

export type Theme = 'light' | 'dark';

/** Layer groups the switcher turns on and off; each maps to one or more style layers. */
export const LAYER_GROUPS = ['water', 'communities', 'districts', 'roads', 'stations', 'units', 'labels'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

export const SOURCES = ['roads', 'water', 'jurisdictions', 'stations', 'units'] as const;
export type SourceId = (typeof SOURCES)[number];

interface Palette {
  background: string;
  water: string;
  waterLine: string;
  roadCasing: string;
  motorway: string;
  trunk: string;
  primary: string;
  secondary: string;
  minor: string;
  district: string;
  districtFill: string;
  community: string;
  station: string;
  stationStroke: string;
  unit: string;
}

export const PALETTES: Record<Theme, Palette> = {
  light: {
    background: '#f1efe9',
    water: '#a9cfe4',
    waterLine: '#7fb1d0',
    roadCasing: '#c9c2b6',
    motorway: '#e0896b',
    trunk: '#f0a77e',
    primary: '#f6cf8c',
    secondary: '#fbeeb1',
    minor: '#ffffff',
    district: '#6b4fa0',
    districtFill: '#6b4fa0',
    community: '#9a8fb5',
    station: '#1c5bc4',
    stationStroke: '#ffffff',
    unit: '#1f8f3a',
  },
  dark: {
    background: '#161c26',
    water: '#1f3a56',
    waterLine: '#2d5479',
    roadCasing: '#0d1118',
    motorway: '#b5653f',
    trunk: '#9a6a45',
    primary: '#7b6a4a',
    secondary: '#4f5868',
    minor: '#3a4352',
    district: '#b59cff',
    districtFill: '#b59cff',
    community: '#5f5a7a',
    station: '#5aa0ff',
    stationStroke: '#0d1118',
    unit: '#4cd070',
  },
};

/** Road class from either `roadClass` (demo city) or `class`/`highway` (other producers). */
const ROAD_CLASS = ['coalesce', ['get', 'roadClass'], ['get', 'class'], ['get', 'highway'], 'residential'];

function roadColor(p: Palette): unknown {
  return [
    'match',
    ROAD_CLASS,
    ['motorway', 'motorway_link', 'expressway'],
    p.motorway,
    ['trunk', 'trunk_link'],
    p.trunk,
    ['primary', 'primary_link', 'arterial'],
    p.primary,
    ['secondary', 'secondary_link', 'tertiary', 'tertiary_link', 'collector'],
    p.secondary,
    p.minor,
  ];
}

/** Line width by class, growing with zoom (interpolate must be the outermost expression). */
function roadWidth(extra: number): unknown {
  const byClass = (base: number) => [
    'match',
    ROAD_CLASS,
    ['motorway', 'expressway'],
    base * 2.2 + extra,
    ['trunk', 'primary', 'arterial'],
    base * 1.7 + extra,
    ['secondary', 'tertiary', 'collector'],
    base * 1.2 + extra,
    base * 0.8 + extra,
  ];
  return ['interpolate', ['exponential', 1.6], ['zoom'], 10, byClass(0.6), 14, byClass(2.2), 17, byClass(7)];
}

interface LayerDef {
  group: LayerGroup;
  layer: (p: Palette) => LayerSpecification;
}

const isLevel = (...levels: string[]) => ['in', ['get', 'level'], ['literal', levels]];

/** Every style layer, bottom to top. */
export const LAYER_DEFS: LayerDef[] = [
  {
    group: 'water',
    layer: (p) => ({ id: 'water-fill', type: 'fill', source: 'water', paint: { 'fill-color': p.water } }),
  },
  {
    group: 'water',
    layer: (p) => ({
      id: 'water-line',
      type: 'line',
      source: 'water',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': p.waterLine, 'line-width': 3 },
    }),
  },
  {
    group: 'districts',
    layer: (p) => ({
      id: 'district-fill',
      type: 'fill',
      source: 'jurisdictions',
      filter: isLevel('county') as never,
      paint: { 'fill-color': p.districtFill, 'fill-opacity': 0.04 },
    }),
  },
  {
    group: 'communities',
    layer: (p) => ({
      id: 'community-line',
      type: 'line',
      source: 'jurisdictions',
      minzoom: 11,
      filter: isLevel('community', 'grid') as never,
      paint: { 'line-color': p.community, 'line-width': 0.8, 'line-dasharray': [2, 2] },
    }),
  },
  {
    group: 'districts',
    layer: (p) => ({
      id: 'station-area-line',
      type: 'line',
      source: 'jurisdictions',
      filter: isLevel('station') as never,
      paint: { 'line-color': p.community, 'line-width': 1.2 },
    }),
  },
  {
    group: 'roads',
    layer: (p) => ({
      id: 'road-casing',
      type: 'line',
      source: 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.roadCasing, 'line-width': roadWidth(1.2) as never },
    }),
  },
  {
    group: 'roads',
    layer: (p) => ({
      id: 'road',
      type: 'line',
      source: 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': roadColor(p) as never, 'line-width': roadWidth(0) as never },
    }),
  },
  {
    group: 'districts',
    layer: (p) => ({
      id: 'district-line',
      type: 'line',
      source: 'jurisdictions',
      filter: isLevel('county', 'city') as never,
      paint: { 'line-color': p.district, 'line-width': 2.2, 'line-opacity': 0.85 },
    }),
  },
  {
    group: 'stations',
    layer: (p) => ({
      id: 'station',
      type: 'circle',
      source: 'stations',
      paint: {
        'circle-color': p.station,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 15, 8],
        'circle-stroke-color': p.stationStroke,
        'circle-stroke-width': 2,
      },
    }),
  },
  {
    group: 'units',
    layer: (p) => ({
      id: 'unit',
      type: 'circle',
      source: 'units',
      paint: {
        'circle-color': p.unit,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 15, 6],
        'circle-stroke-color': p.stationStroke,
        'circle-stroke-width': 1.5,
      },
    }),
  },
];

/** The initial style: background, empty GeoJSON sources (filled once data arrives), every layer. */
export function buildStyle(theme: Theme, visible: Record<LayerGroup, boolean>): StyleSpecification {
  const p = PALETTES[theme];
  return {
    version: 8,
    name: 'jingwu-local',
    sources: Object.fromEntries(
      SOURCES.map((id) => [id, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }]),
    ),
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': p.background } },
      ...LAYER_DEFS.map(({ group, layer }) => {
        const l = layer(p);
        return {
          ...l,
          layout: { ...(l.layout ?? {}), visibility: visible[group] ? 'visible' : 'none' },
        } as LayerSpecification;
      }),
    ],
  };
}

/** Paint properties to change when the theme changes: [layerId, property, value]. */
export function themePaint(theme: Theme): [string, string, unknown][] {
  const p = PALETTES[theme];
  const out: [string, string, unknown][] = [['background', 'background-color', p.background]];
  for (const { layer } of LAYER_DEFS) {
    const l = layer(p);
    for (const [prop, value] of Object.entries((l as { paint?: Record<string, unknown> }).paint ?? {})) {
      out.push([l.id, prop, value]);
    }
  }
  return out;
}

/** Style layer ids of one group. */
export function layerIdsOf(group: LayerGroup): string[] {
  return LAYER_DEFS.filter((d) => d.group === group).map((d) => d.layer(PALETTES.light).id);
}
