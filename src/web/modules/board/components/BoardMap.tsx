/**
 * The board's map: the city layers of the map module, units coloured by status (moving with the `units` topic),
 * open incidents by severity, the selected one ringed and centred.
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
import type { QueueItem } from '../api/board.api.ts';
import type { LiveUnit } from '../hooks/useBoardLive.ts';
import { useHighlightedUnits } from '../state/highlight.store.ts';
import { SEVERITY_COLORS, UNIT_STATUS_COLORS, matchColor } from '../utils/map.colors.ts';

maplibregl.setWorkerUrl(workerUrl);

const DEFAULT_CENTER: [number, number] = [113.35, 23.12];

export interface BoardMapProps {
  units: Map<string, LiveUnit>;
  queue: QueueItem[];
  selectedId: string | null;
  onSelect(id: string): void;
}

function paintUnits(map: maplibregl.Map): void {
  if (!map.getLayer('unit')) return;
  map.setPaintProperty('unit', 'circle-color', matchColor('status', UNIT_STATUS_COLORS, '#667085') as never);
  map.setPaintProperty('unit', 'circle-radius', ['interpolate', ['linear'], ['zoom'], 9, 3.5, 14, 7] as never);
}

export default function BoardMap({ units, queue, selectedId, onSelect }: BoardMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMapState] = useState<maplibregl.Map | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const { theme } = usePreferences();
  const { visible } = useLayers();
  const { data } = useCityLayers(map);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;

  // Created once; theme changes are applied below.
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
    instance.once('load', () => {
      instance.addSource('board-incidents', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      instance.addLayer({
        id: 'board-incident-selected',
        type: 'circle',
        source: 'board-incidents',
        filter: ['==', ['get', 'selected'], true],
        paint: {
          'circle-radius': 17,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': '#111827',
          'circle-stroke-width': 3,
        },
      });
      instance.addLayer({
        id: 'board-incident',
        type: 'circle',
        source: 'board-incidents',
        paint: {
          'circle-radius': ['match', ['get', 'severity'], 1, 11, 2, 10, 3, 8, 7] as never,
          'circle-color': matchColor('severity', SEVERITY_COLORS, '#2e90fa') as never,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2.5,
        },
      });
      instance.addLayer({
        id: 'board-unit-highlight',
        type: 'circle',
        source: 'units',
        filter: ['in', ['get', 'id'], ['literal', []]],
        paint: {
          'circle-radius': 11,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': '#7a5af8',
          'circle-stroke-width': 3,
        },
      });
      paintUnits(instance);
      instance.on('click', 'board-incident', (e) => {
        const id = e.features?.[0]?.properties?.id;
        if (typeof id === 'string') selectRef.current(id);
      });
      instance.on('mouseenter', 'board-incident', () => (instance.getCanvas().style.cursor = 'pointer'));
      instance.on('mouseleave', 'board-incident', () => (instance.getCanvas().style.cursor = ''));
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
    paintUnits(map);
  }, [map, theme]);

  useEffect(() => {
    if (!map) return;
    (map.getSource('units') as maplibregl.GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: [...units.values()].map((u) => ({
        type: 'Feature',
        id: u.id,
        geometry: { type: 'Point', coordinates: [u.lon, u.lat] },
        properties: { id: u.id, callSign: u.callSign, status: u.status },
      })),
    });
  }, [map, units, data]);

  useEffect(() => {
    if (!map) return;
    (map.getSource('board-incidents') as maplibregl.GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: queue
        .filter((q) => q.incident.lon !== null && q.incident.lat !== null)
        .map((q) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [q.incident.lon!, q.incident.lat!] },
          properties: { id: q.incident.id, severity: q.incident.severity, selected: q.incident.id === selectedId },
        })),
    });
  }, [map, queue, selectedId]);

  // Ring the proposed units and frame them with the incident, so the dispatcher sees where they come from.
  const highlighted = useHighlightedUnits();
  useEffect(() => {
    if (!map || !map.getLayer('board-unit-highlight')) return;
    map.setFilter('board-unit-highlight', ['in', ['get', 'id'], ['literal', [...highlighted]]]);
    const q = queue.find((x) => x.incident.id === selectedId);
    const points = highlighted.flatMap((id) => {
      const u = units.get(id);
      return u ? [[u.lon, u.lat] as [number, number]] : [];
    });
    if (!q || q.incident.lon === null || q.incident.lat === null || points.length === 0) return;
    points.push([q.incident.lon, q.incident.lat]);
    const lons = points.map((p) => p[0]);
    const lats = points.map((p) => p[1]);
    map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], {
      // More room at the bottom: the legend sits there.
      padding: { top: 60, right: 60, bottom: 120, left: 60 },
      maxZoom: 15,
      duration: 500,
    });
    // Only when the proposal changes, not on every unit movement.
  }, [map, highlighted]);

  // Centre the selected incident (once per selection, not on every queue refresh).
  const centred = useRef<string | null>(null);
  useEffect(() => {
    if (!map || !selectedId || centred.current === selectedId) return;
    const q = queue.find((x) => x.incident.id === selectedId);
    if (!q || q.incident.lon === null || q.incident.lat === null) return;
    centred.current = selectedId;
    map.easeTo({ center: [q.incident.lon, q.incident.lat], zoom: Math.max(map.getZoom(), 13), duration: 500 });
  }, [map, queue, selectedId]);

  return (
    <div className="board-map map-root" data-testid="city-map" data-ready={data ? 'true' : 'false'}>
      <div ref={container} className="map-canvas" role="region" aria-label={t('map.label')} />
      {!data && !failure && <div className="map-status">{t('map.loading')}</div>}
      {failure && (
        <div className="map-status error" role="alert">
          {failure}
        </div>
      )}
      <div className="board-legend" aria-label={t('board.map.legend')}>
        {[1, 2, 3, 4].map((s) => (
          <span key={s}>
            <i style={{ background: SEVERITY_COLORS[s] }} />
            {t(`board.severity.${s}` as 'board.title').split(' ')[0]}
          </span>
        ))}
        {['available', 'dispatched', 'en_route', 'on_scene', 'busy'].map((s) => (
          <span key={s}>
            <i className="unit" style={{ background: UNIT_STATUS_COLORS[s] }} />
            {t(`board.unitStatus.${s}`)}
          </span>
        ))}
      </div>
    </div>
  );
}
