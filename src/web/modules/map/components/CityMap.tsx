/**
 * The full-screen city map (lazy-loaded: MapLibre is most of the console's weight, the login page does not
 * need it). Style in code, data from the geo API, names as DOM labels, colours following the theme.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { usePreferences } from '../../preferences/state/preferences.store.ts';
import { useLayers } from '../state/layers.store.ts';
import { flyHome, setMap } from '../state/map.instance.ts';
import { useCityLayers } from '../hooks/useCityLayers.ts';
import { useLiveUnits } from '../hooks/useLiveUnits.ts';
import { LAYER_GROUPS, buildStyle, layerIdsOf, themePaint } from '../utils/map.style.ts';
import { MapLabels } from './MapLabels.tsx';
import { errorMessage } from '../../auth/utils/error.message.ts';

maplibregl.setWorkerUrl(workerUrl);

/** Default camera: the demo city 江州市 until the data says otherwise. */
const DEFAULT_CENTER: [number, number] = [113.35, 23.12];
const STATION_LABEL_MIN_ZOOM = 11.5;

export default function CityMap() {
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMapState] = useState<maplibregl.Map | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [detailZoom, setDetailZoom] = useState(false);
  const { theme } = usePreferences();
  const { visible } = useLayers();
  const { data, error } = useCityLayers(map);
  useLiveUnits(map);

  // Create the map once (empty deps on purpose): theme and visibility changes are applied below.
  useEffect(() => {
    if (!container.current) return;
    let instance: maplibregl.Map;
    try {
      instance = new maplibregl.Map({
        container: container.current,
        style: buildStyle(theme, visible),
        center: DEFAULT_CENTER,
        zoom: 11,
        minZoom: 5,
        maxZoom: 19,
        attributionControl: false,
        localIdeographFontFamily: "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
        dragRotate: false,
        pitchWithRotate: false,
      });
    } catch (err) {
      setFailure(
        err instanceof Error && /webgl/i.test(err.message)
          ? t('map.noWebgl')
          : t('map.failed', { reason: String(err) }),
      );
      return;
    }
    instance.touchZoomRotate.disableRotation();
    const onZoom = () => setDetailZoom(instance.getZoom() >= STATION_LABEL_MIN_ZOOM);
    instance.on('zoomend', onZoom);
    instance.once('load', () => {
      onZoom();
      setMapState(instance);
      setMap(instance);
    });
    return () => {
      setMap(null);
      setMapState(null);
      instance.remove();
    };
  }, []);

  useEffect(() => {
    if (!map) return;
    for (const [id, prop, value] of themePaint(theme)) {
      if (map.getLayer(id)) map.setPaintProperty(id, prop as never, value as never);
    }
  }, [map, theme]);

  useEffect(() => {
    if (!map) return;
    for (const group of LAYER_GROUPS) {
      for (const id of layerIdsOf(group)) {
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[group] ? 'visible' : 'none');
      }
    }
  }, [map, visible]);

  const problem = failure ?? (error ? t('map.failed', { reason: errorMessage(t, error, i18n.language) }) : null);

  return (
    <div className="map-root" data-testid="city-map" data-ready={data ? 'true' : 'false'}>
      <div ref={container} className="map-canvas" role="region" aria-label={t('map.label')} />
      {!data && !problem && <div className="map-status">{t('map.loading')}</div>}
      {problem && (
        <div className="map-status error" role="alert">
          {problem}
        </div>
      )}
      {map && data && (
        <MapLabels map={map} data={data} visible={visible.labels} showStations={visible.stations && detailZoom} />
      )}
      {map && (
        <div className="map-zoom" role="group">
          <button type="button" onClick={() => map.zoomIn()} aria-label={t('map.zoomIn')} title={t('map.zoomIn')}>
            +
          </button>
          <button type="button" onClick={() => map.zoomOut()} aria-label={t('map.zoomOut')} title={t('map.zoomOut')}>
            −
          </button>
          <button type="button" onClick={flyHome} aria-label={t('map.resetView')} title={t('map.resetView')}>
            ⌂
          </button>
        </div>
      )}
    </div>
  );
}
