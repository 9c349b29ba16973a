/** Loads the city's GeoJSON layers into the map's sources, with the documented fallbacks. */
import { useEffect, useState } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import {
  emptyCollection,
  fetchJurisdictionsFallback,
  fetchLayer,
  stationsFromJurisdictions,
  type FeatureCollection,
} from '../api/geo.api.ts';
import { setLayerMissing } from '../state/layers.store.ts';
import { setHomeBounds, setSearchable } from '../state/map.instance.ts';
import { bboxOf, unionBBox } from '../utils/geometry.ts';
import type { SourceId } from '../utils/map.style.ts';

export interface CityData {
  jurisdictions: FeatureCollection;
  stations: FeatureCollection;
}

function setSource(map: MapLibreMap, id: SourceId, fc: FeatureCollection): void {
  (map.getSource(id) as GeoJSONSource | undefined)?.setData(fc as never);
}

/** Fetches roads, water, jurisdictions and stations once the map's style is loaded. */
export function useCityLayers(map: MapLibreMap | null): { data: CityData | null; error: unknown } {
  const [data, setData] = useState<CityData | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!map) return;
    const abort = new AbortController();
    const { signal } = abort;
    (async () => {
      const [roads, water, jurisdictionsLayer, stationsLayer] = await Promise.all([
        fetchLayer('roads', signal),
        fetchLayer('water', signal),
        fetchLayer('jurisdictions', signal),
        fetchLayer('stations', signal),
      ]);
      const jurisdictions = jurisdictionsLayer ?? (await fetchJurisdictionsFallback(signal));
      const stations = stationsLayer ?? stationsFromJurisdictions(jurisdictions);
      if (signal.aborted) return;
      setSource(map, 'roads', roads ?? emptyCollection());
      setSource(map, 'water', water ?? emptyCollection());
      setSource(map, 'jurisdictions', jurisdictions);
      setSource(map, 'stations', stations);
      setLayerMissing('roads', roads === null);
      setLayerMissing('water', water === null);
      const outer = jurisdictions.features.filter(
        (f) => f.properties.level === 'city' || f.properties.level === 'county',
      );
      const home = unionBBox((outer.length ? outer : jurisdictions.features).map((f) => bboxOf(f.geometry)));
      setHomeBounds(home);
      if (home) map.fitBounds(home, { padding: 40, duration: 0 });
      setSearchable({
        type: 'FeatureCollection',
        features: [
          ...jurisdictions.features.filter((f) => f.properties.level !== 'station'),
          ...stations.features.map((f) => ({ ...f, properties: { ...f.properties, level: 'station' } })),
        ],
      });
      setData({ jurisdictions, stations });
    })().catch((err: unknown) => {
      if (!signal.aborted) setError(err);
    });
    return () => abort.abort();
  }, [map]);

  return { data, error };
}
