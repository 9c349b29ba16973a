/**
 * District and station names as DOM markers: MapLibre text needs glyph PBFs from a server, which we do not
 * have offline; the browser draws CJK text from local fonts instead.
 */
import { useEffect } from 'react';
import * as maplibregl from 'maplibre-gl';
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

export function MapLabels({ map, data, visible, showStations }: MapLabelsProps) {
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
    return () => markers.forEach((m) => m.remove());
  }, [map, data, visible, showStations]);
  return null;
}
