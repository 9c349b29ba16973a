/**
 * Units drawn in the `units` source: first every unit the user may see at its home base
 * (`/api/geo/layers/units`), then live positions from the stream (`units` topic, `unit.position` events),
 * which the dispatch module publishes.
 */
import { useEffect } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import { setLayerMissing } from '../state/layers.store.ts';
import { fetchLayer } from '../api/geo.api.ts';

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
    const schedule = () => {
      // Many positions can arrive at once: redraw at most once per frame.
      if (!pending) {
        pending = true;
        requestAnimationFrame(flush);
      }
    };
    const abort = new AbortController();
    fetchLayer('units', abort.signal)
      .then((layer) => {
        for (const f of layer?.features ?? []) {
          const props = (f.properties ?? {}) as { id?: unknown; callSign?: unknown; status?: unknown };
          if (f.geometry?.type !== 'Point' || typeof props.id !== 'string' || units.has(props.id)) continue;
          const [lon, lat] = f.geometry.coordinates as [number, number];
          units.set(props.id, {
            id: props.id,
            callSign: typeof props.callSign === 'string' ? props.callSign : undefined,
            status: typeof props.status === 'string' ? props.status : undefined,
            lon,
            lat,
          });
        }
        schedule();
      })
      .catch(() => undefined); // the layer is optional: live positions still arrive
    const stop = onRealtimeMessage((m) => {
      if (m.event !== 'unit.position') return;
      const u = parse(m.data);
      if (!u) return;
      units.set(u.id, u);
      schedule();
    });
    return () => {
      abort.abort();
      stop();
    };
  }, [map]);
}
