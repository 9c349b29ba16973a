/**
 * The deployment board's map: the city layers, demand locations (ringed when selected), the proposed plan as lines
 * from each officer's origin to the demand (coloured by demand), live officer positions while executing (arrived
 * ones filled green), and a picking mode for the demand form (click → location).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { usePreferences } from '../../preferences/state/preferences.store.ts';
import { useLayers } from '../../map/state/layers.store.ts';
import { setMap } from '../../map/state/map.instance.ts';
import { useCityLayers } from '../../map/hooks/useCityLayers.ts';
import { buildStyle, themePaint } from '../../map/utils/map.style.ts';

maplibregl.setWorkerUrl(workerUrl);

const DEFAULT_CENTER: [number, number] = [113.35, 23.12];

export interface MapDemand {
  id: string;
  lon: number;
  lat: number;
  level: number;
  color: string;
  label: string;
}
export interface MapLine {
  demandId: string;
  from: [number, number];
  to: [number, number];
  color: string;
}
export interface MapOfficer {
  id: string;
  lon: number;
  lat: number;
  color: string;
  arrived: boolean;
}

export interface DeploymentMapProps {
  demands: MapDemand[];
  lines: MapLine[];
  officers: MapOfficer[];
  selectedId: string | null;
  picking: boolean;
  picked: [number, number] | null;
  /** Bump to fit the view to the current lines/officers. */
  fitKey: string;
  onPick(lonLat: [number, number]): void;
  onSelect(id: string): void;
}

type Feature = {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] } | { type: 'LineString'; coordinates: [number, number][] };
  properties: Record<string, unknown>;
};
type FC = { type: 'FeatureCollection'; features: Feature[] };
const fc = (features: Feature[]): FC => ({ type: 'FeatureCollection', features });

export default function DeploymentMap(props: DeploymentMapProps) {
  const { demands, lines, officers, selectedId, picking, picked, fitKey } = props;
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMapState] = useState<maplibregl.Map | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const { theme } = usePreferences();
  const { visible } = useLayers();
  const { data } = useCityLayers(map);
  const handlers = useRef(props);
  handlers.current = props;

  useEffect(() => {
    if (!container.current) return;
    let instance: maplibregl.Map;
    try {
      instance = new maplibregl.Map({
        container: container.current,
        style: buildStyle(theme, visible),
        center: DEFAULT_CENTER,
        zoom: 10,
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
    instance.once('load', () => {
      for (const id of ['dep-lines', 'dep-demands', 'dep-officers', 'dep-pick'])
        instance.addSource(id, { type: 'geojson', data: fc([]) });
      instance.addLayer({
        id: 'dep-line',
        type: 'line',
        source: 'dep-lines',
        paint: { 'line-color': ['get', 'color'], 'line-width': 2.2, 'line-opacity': 0.8 } as never,
      });
      instance.addLayer({
        id: 'dep-officer',
        type: 'circle',
        source: 'dep-officers',
        paint: {
          'circle-radius': 5,
          'circle-color': ['case', ['get', 'arrived'], '#12b76a', '#ffffff'],
          'circle-stroke-color': ['get', 'color'],
          'circle-stroke-width': 2.5,
        } as never,
      });
      instance.addLayer({
        id: 'dep-demand-selected',
        type: 'circle',
        source: 'dep-demands',
        filter: ['==', ['get', 'selected'], true],
        paint: {
          'circle-radius': 18,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': '#111827',
          'circle-stroke-width': 3,
        },
      });
      instance.addLayer({
        id: 'dep-demand',
        type: 'circle',
        source: 'dep-demands',
        paint: {
          'circle-radius': ['match', ['get', 'level'], 1, 12, 2, 11, 10] as never,
          'circle-color': ['get', 'color'] as never,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 3,
        },
      });
      instance.addLayer({
        id: 'dep-pick',
        type: 'circle',
        source: 'dep-pick',
        paint: {
          'circle-radius': 9,
          'circle-color': '#f79009',
          'circle-stroke-color': '#111827',
          'circle-stroke-width': 2,
        },
      });
      instance.on('click', (e) => {
        if (handlers.current.picking) {
          handlers.current.onPick([Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))]);
          return;
        }
        const hit = instance.queryRenderedFeatures(e.point, { layers: ['dep-demand'] })[0];
        const id = hit?.properties?.id;
        if (typeof id === 'string') handlers.current.onSelect(id);
      });
      instance.on('mouseenter', 'dep-demand', () => (instance.getCanvas().style.cursor = 'pointer'));
      instance.on('mouseleave', 'dep-demand', () => (instance.getCanvas().style.cursor = ''));
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
    if (map) map.getCanvas().style.cursor = picking ? 'crosshair' : '';
  }, [map, picking]);

  const setData = (id: string, data: FC) =>
    (map?.getSource(id) as maplibregl.GeoJSONSource | undefined)?.setData(data as never);

  useEffect(() => {
    if (!map) return;
    setData(
      'dep-demands',
      fc(
        demands.map((d) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [d.lon, d.lat] },
          properties: { id: d.id, level: d.level, color: d.color, selected: d.id === selectedId },
        })),
      ),
    );
  }, [map, demands, selectedId, data]);

  useEffect(() => {
    if (!map) return;
    setData(
      'dep-lines',
      fc(
        lines.map((l) => ({
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: [l.from, l.to] },
          properties: { demandId: l.demandId, color: l.color },
        })),
      ),
    );
    setData(
      'dep-officers',
      fc(
        officers.map((o) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [o.lon, o.lat] },
          properties: { id: o.id, color: o.color, arrived: o.arrived },
        })),
      ),
    );
  }, [map, lines, officers, data]);

  useEffect(() => {
    if (!map) return;
    setData(
      'dep-pick',
      fc(picked ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: picked }, properties: {} }] : []),
    );
  }, [map, picked]);

  // Fit the view to what the plan or the tracking shows, once per fitKey.
  const fitted = useRef('');
  useEffect(() => {
    if (!map || !fitKey || fitted.current === fitKey) return;
    const pts: [number, number][] = [
      ...lines.flatMap((l) => [l.from, l.to]),
      ...officers.map((o) => [o.lon, o.lat] as [number, number]),
    ];
    const sel = demands.find((d) => d.id === selectedId);
    if (sel) pts.push([sel.lon, sel.lat]);
    if (!pts.length) return;
    fitted.current = fitKey;
    const lons = pts.map((p) => p[0]);
    const lats = pts.map((p) => p[1]);
    const bounds: [number, number, number, number] = [
      Math.min(...lons),
      Math.min(...lats),
      Math.max(...lons),
      Math.max(...lats),
    ];
    if (bounds[0] === bounds[2] && bounds[1] === bounds[3]) map.easeTo({ center: [bounds[0], bounds[1]], zoom: 13 });
    else map.fitBounds(bounds, { padding: 60, maxZoom: 14, duration: 400 });
  }, [map, fitKey, lines, officers, demands, selectedId]);

  return (
    <div
      className={`dep-map map-root${picking ? ' picking' : ''}`}
      data-testid="city-map"
      data-ready={data ? 'true' : 'false'}
    >
      <div ref={container} className="map-canvas" role="region" aria-label={t('map.label')} />
      {!data && !failure && <div className="map-status">{t('map.loading')}</div>}
      {failure && (
        <div className="map-status error" role="alert">
          {failure}
        </div>
      )}
      {picking && (
        <div className="dep-map-hint" role="status">
          {t('deployment.form.picking')}
        </div>
      )}
      <div className="dep-legend" aria-label={t('deployment.map.legend')}>
        <span>
          <i className="dot" style={{ background: '#d92d20' }} />
          {t('deployment.map.demand')}
        </span>
        <span>
          <i className="bar" />
          {t('deployment.map.route')}
        </span>
        <span>
          <i className="ring" />
          {t('deployment.map.officer')}
        </span>
        <span>
          <i className="dot" style={{ background: '#12b76a' }} />
          {t('deployment.map.arrived')}
        </span>
      </div>
    </div>
  );
}
