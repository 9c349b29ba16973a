/**
 * Unit positions from the live stream (`units` topic, `unit.position` events) drawn in the `units` source.
 * The dispatch module (a later issue) publishes them; until then the layer stays empty.
 */
import { useEffect } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import { setLayerMissing } from '../state/layers.store.ts';

interface UnitPosition {
  id: string;
  callSign?: string;
  status?: string;
  lon: number;
  lat: number;
}

function parse(data: string): UnitPosition | null {
  try {
    const v = JSON.parse(data) as Partial<UnitPosition>;
    if (typeof v.id !== 'string' || !Number.isFinite(v.lon) || !Number.isFinite(v.lat)) return null;
    return v as UnitPosition;
  } catch {
    return null;
  }
}

export function useLiveUnits(map: MapLibreMap | null): void {
  useEffect(() => {
    if (!map) return;
    const units = new Map<string, UnitPosition>();
    let pending = false;
    const flush = () => {
      pending = false;
      (map.getSource('units') as GeoJSONSource | undefined)?.setData({
        type: 'FeatureCollection',
        features: [...units.values()].map((u) => ({
          type: 'Feature',
          id: u.id,
          geometry: { type: 'Point', coordinates: [u.lon, u.lat] },
          properties: { id: u.id, callSign: u.callSign ?? '', status: u.status ?? '' },
        })),
      });
      setLayerMissing('units', units.size === 0);
    };
    return onRealtimeMessage((m) => {
      if (m.event !== 'unit.position') return;
      const u = parse(m.data);
      if (!u) return;
      units.set(u.id, u);
      // Many positions can arrive at once: redraw at most once per frame.
      if (!pending) {
        pending = true;
        requestAnimationFrame(flush);
      }
    });
  }, [map]);
}
