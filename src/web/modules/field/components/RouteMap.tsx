/**
 * A small MapLibre map of the route: the city's roads and water (the map module's style, in the current
 * theme), the route line, the unit's start and the scene. One-finger drags scroll the page (cooperative
 * gestures), so the map never traps an officer's thumb.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { GeoJSONSource } from 'maplibre-gl';
import { authedJson } from '../../auth/state/session.store.ts';
import { fetchLayer } from '../../map/api/geo.api.ts';
import { LAYER_GROUPS, buildStyle, themePaint, type LayerGroup } from '../../map/utils/map.style.ts';
import { usePreferences } from '../../preferences/state/preferences.store.ts';
import type { RouteFeature } from '../api/field.api.ts';
import { bboxParam, paddedBounds } from '../utils/route.view.ts';

maplibregl.setWorkerUrl(workerUrl);

const SHOWN: readonly LayerGroup[] = ['water', 'roads', 'districts'];
const visibility = Object.fromEntries(LAYER_GROUPS.map((g) => [g, SHOWN.includes(g)])) as Record<LayerGroup, boolean>;

interface RouteMapProps {
  route: RouteFeature | null;
  start: { lon: number; lat: number };
  scene: { lon: number; lat: number };
}

export function RouteMap({ route, start, scene }: RouteMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const [failed, setFailed] = useState(false);
  const [drawn, setDrawn] = useState(false);
  const { theme } = usePreferences();

  useEffect(() => {
    if (!container.current) return;
    let instance: maplibregl.Map;
    try {
      instance = new maplibregl.Map({
        container: container.current,
        style: buildStyle(theme, visibility),
        center: [scene.lon, scene.lat],
        zoom: 14,
        attributionControl: false,
        localIdeographFontFamily: "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
        dragRotate: false,
        pitchWithRotate: false,
        cooperativeGestures: true,
      });
    } catch {
      setFailed(true);
      return;
    }
    instance.touchZoomRotate.disableRotation();
    instance.once('load', () => {
      instance.addSource('route', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      instance.addSource('ends', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      instance.addLayer({
        id: 'route-casing',
        type: 'line',
        source: 'route',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 9 },
      });
      instance.addLayer({
        id: 'route-line',
        type: 'line',
        source: 'route',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#1c5bc4', 'line-width': 5 },
      });
      instance.addLayer({
        id: 'route-ends',
        type: 'circle',
        source: 'ends',
        paint: {
          'circle-radius': 8,
          'circle-color': ['match', ['get', 'kind'], 'scene', '#d92d20', '#1f8f3a'],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 3,
        },
      });
      setMap(instance);
    });
    return () => {
      setMap(null);
      instance.remove();
    };
  }, []); // created once on purpose: theme and data changes are applied below

  useEffect(() => {
    if (!map) return;
    for (const [id, prop, value] of themePaint(theme)) {
      if (map.getLayer(id)) map.setPaintProperty(id, prop as never, value as never);
    }
  }, [map, theme]);

  useEffect(() => {
    if (!map) return;
    const points: [number, number][] = route?.geometry.coordinates.length
      ? route.geometry.coordinates
      : [
          [start.lon, start.lat],
          [scene.lon, scene.lat],
        ];
    const bounds = paddedBounds([...points, [start.lon, start.lat], [scene.lon, scene.lat]]);
    (map.getSource('route') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: route ? [{ type: 'Feature', geometry: route.geometry, properties: {} }] : [],
    });
    (map.getSource('ends') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [start.lon, start.lat] },
          properties: { kind: 'start' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [scene.lon, scene.lat] },
          properties: { kind: 'scene' },
        },
      ],
    });
    if (bounds) {
      map.fitBounds(
        [
          [bounds[0], bounds[1]],
          [bounds[2], bounds[3]],
        ],
        { padding: 24, duration: 0, maxZoom: 17 },
      );
    }
    setDrawn(route !== null);
    // Roads around the route only (the whole city's roads are far more than a phone needs), and the water.
    const abort = new AbortController();
    if (bounds) {
      const wide = paddedBounds(
        [
          [bounds[0], bounds[1]],
          [bounds[2], bounds[3]],
        ],
        0.5,
      )!;
      void authedJson<{ type: 'FeatureCollection'; features: unknown[] }>(
        `/api/geo/layers/roads?bbox=${encodeURIComponent(bboxParam(wide))}`,
        { signal: abort.signal },
      )
        .then((fc) => (map.getSource('roads') as GeoJSONSource | undefined)?.setData(fc as never))
        .catch(() => undefined); // the route line is still there without the road network
    }
    void fetchLayer('water', abort.signal)
      .then((fc) => fc && (map.getSource('water') as GeoJSONSource | undefined)?.setData(fc as never))
      .catch(() => undefined);
    return () => abort.abort();
  }, [map, route, start.lon, start.lat, scene.lon, scene.lat]);

  if (failed) return null;
  return (
    <>
      <div
        ref={container}
        className="route-map"
        role="img"
        aria-label={t('field.route.mapLabel')}
        data-testid="field-route-map"
        data-ready={map !== null && drawn ? 'true' : 'false'}
      />
      <p className="route-legend small" aria-hidden="true">
        <span className="legend-start">●</span> {t('field.route.legendStart')}
        <span className="legend-scene">●</span> {t('field.route.legendScene')}
      </p>
    </>
  );
}
