/**
 * District and station names as DOM markers: MapLibre text needs glyph PBFs from a server, which we do not
 * have offline; the browser draws CJK text from local fonts instead. After every move, labels that would
 * overlap a more important one (districts first, then stations in order) are hidden.
 */
import { useEffect } from 'react';
import * as maplibregl from 'maplibre-gl';
import { usePreferences } from '../../preferences/state/preferences.store.ts';
import type { CityData } from '../hooks/useCityLayers.ts';
import { centroidOf } from '../utils/geometry.ts';

interface MapLabelsProps {
  map: maplibregl.Map;
  data: CityData;
  visible: boolean;
  showStations: boolean;
}

function label(text: string, kind: 'district' | 'station'): HTMLElement {
  const el = document.createElement('div');
  el.className = `map-label map-label-${kind}`;
  el.textContent = text;
  el.setAttribute('aria-hidden', 'true');
  return el;
}

/** Hides every label whose box meets the box of a label placed before it (a small margin included). */
export function declutter(elements: HTMLElement[], margin = 2): void {
  const placed: DOMRect[] = [];
  for (const el of elements) {
    el.style.visibility = '';
    const r = el.getBoundingClientRect();
    const hit = placed.some(
      (p) =>
        r.left < p.right + margin &&
        r.right > p.left - margin &&
        r.top < p.bottom + margin &&
        r.bottom > p.top - margin,
    );
    if (hit) el.style.visibility = 'hidden';
    else placed.push(r);
  }
}

export function MapLabels({ map, data, visible, showStations }: MapLabelsProps) {
  // Label boxes grow with large text: place them again when it changes.
  const { largeText } = usePreferences();
  useEffect(() => {
    if (!visible) return;
    const markers: maplibregl.Marker[] = [];
    for (const f of data.jurisdictions.features) {
      if (f.properties.level !== 'county' || typeof f.properties.name !== 'string') continue;
      markers.push(
        new maplibregl.Marker({ element: label(f.properties.name, 'district') })
          .setLngLat(centroidOf(f.geometry))
          .addTo(map),
      );
    }
    if (showStations) {
      for (const f of data.stations.features) {
        if (typeof f.properties.name !== 'string') continue;
        markers.push(
          new maplibregl.Marker({ element: label(f.properties.name, 'station'), anchor: 'left', offset: [10, 0] })
            .setLngLat(centroidOf(f.geometry))
            .addTo(map),
        );
      }
    }
    const elements = markers.map((m) => m.getElement());
    const tidy = () => declutter(elements);
    tidy();
    map.on('moveend', tidy);
    return () => {
      map.off('moveend', tidy);
      markers.forEach((m) => m.remove());
    };
  }, [map, data, visible, showStations, largeText]);
  return null;
}
