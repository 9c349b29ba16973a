/**
 * The one map instance, shared by the search box, the shortcuts and the browser tests (which read it as
 * `window.__jingwuMap` to check sources, layers and the camera).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection } from '../api/geo.api.ts';

declare global {
  interface Window {
    __jingwuMap?: MapLibreMap;
  }
}

let current: MapLibreMap | null = null;
let homeBounds: [number, number, number, number] | null = null;
let searchable: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Registers (or clears) the live map. */
export function setMap(map: MapLibreMap | null): void {
  current = map;
  if (map) window.__jingwuMap = map;
  else delete window.__jingwuMap;
}

/** The live map, if the map page is open. */
export function getMap(): MapLibreMap | null {
  return current;
}

/** Remembers the whole-city view for "home". */
export function setHomeBounds(b: [number, number, number, number] | null): void {
  homeBounds = b;
}

/** Flies back to the whole city. */
export function flyHome(): void {
  if (current && homeBounds) current.fitBounds(homeBounds, { padding: 40, duration: 600 });
}

/** Features the fallback search looks through (jurisdictions and stations). */
export function setSearchable(fc: FeatureCollection): void {
  searchable = fc;
}

/** Features for the fallback search. */
export function getSearchable(): FeatureCollection {
  return searchable;
}
