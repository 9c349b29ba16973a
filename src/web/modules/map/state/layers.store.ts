/** Which layer groups are shown (persisted), and which ones have data at all. */
import { useSyncExternalStore } from 'react';
import { LAYER_GROUPS, type LayerGroup } from '../utils/map.style.ts';

const KEY = 'jingwu.layers';
export type LayerVisibility = Record<LayerGroup, boolean>;

const DEFAULT: LayerVisibility = Object.fromEntries(LAYER_GROUPS.map((g) => [g, true])) as LayerVisibility;

function load(): LayerVisibility {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    const v = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    return Object.fromEntries(
      LAYER_GROUPS.map((g) => [g, typeof v[g] === 'boolean' ? v[g] : DEFAULT[g]]),
    ) as LayerVisibility;
  } catch {
    return DEFAULT;
  }
}

interface LayersState {
  visible: LayerVisibility;
  /** Groups whose data the server did not offer. */
  missing: Partial<Record<LayerGroup, true>>;
}

// Units arrive over the live stream only; until the first one, the layer has no data.
let state: LayersState = { visible: load(), missing: { units: true } };
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

/** Current state, for code outside React. */
export function getLayers(): LayersState {
  return state;
}

/** Shows or hides one group (persisted). */
export function setLayerVisible(group: LayerGroup, on: boolean): void {
  state = { ...state, visible: { ...state.visible, [group]: on } };
  try {
    localStorage.setItem(KEY, JSON.stringify(state.visible));
  } catch {
    // not persisted
  }
  emit();
}

/** Marks a group as having no data from the server (shown as such in the switcher). */
export function setLayerMissing(group: LayerGroup, missing: boolean): void {
  const next = { ...state.missing };
  if (missing) next[group] = true;
  else delete next[group];
  state = { ...state, missing: next };
  emit();
}

/** React hook: layer visibility and availability. */
export function useLayers(): LayersState {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, getLayers);
}
