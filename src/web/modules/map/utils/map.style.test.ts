import { describe, expect, it } from 'vitest';
import { LAYER_GROUPS, buildStyle, layerIdsOf, themePaint, type LayerGroup } from './map.style.ts';

const allOn = Object.fromEntries(LAYER_GROUPS.map((g) => [g, true])) as Record<LayerGroup, boolean>;

describe('map style built in code', () => {
  it('uses no remote resources: no tiles, glyphs, sprites or URLs anywhere', () => {
    const style = buildStyle('light', allOn);
    const text = JSON.stringify(style);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(text).not.toMatch(/https?:|tiles|mapbox:|\{z\}/);
    for (const source of Object.values(style.sources)) expect(source.type).toBe('geojson');
  });

  it('has the city layers and no symbol (text) layers, which would need glyphs', () => {
    const style = buildStyle('dark', allOn);
    const ids = style.layers.map((l) => l.id);
    expect(ids).toEqual(
      expect.arrayContaining(['background', 'road', 'road-casing', 'water-fill', 'district-line', 'station', 'unit']),
    );
    expect(style.layers.some((l) => l.type === 'symbol')).toBe(false);
  });

  it('hides the layers of switched-off groups', () => {
    const style = buildStyle('light', { ...allOn, roads: false });
    for (const id of layerIdsOf('roads')) {
      const layer = style.layers.find((l) => l.id === id)!;
      expect((layer.layout as { visibility?: string }).visibility).toBe('none');
    }
    expect((style.layers.find((l) => l.id === 'water-fill')!.layout as { visibility?: string }).visibility).toBe(
      'visible',
    );
  });

  it('gives every layer a different colour in dark mode', () => {
    const light = new Map(themePaint('light').map(([id, prop, v]) => [`${id}/${prop}`, JSON.stringify(v)]));
    const dark = themePaint('dark');
    const changed = dark.filter(([id, prop, v]) => light.get(`${id}/${prop}`) !== JSON.stringify(v));
    expect(changed.map(([id]) => id)).toEqual(expect.arrayContaining(['background', 'road', 'water-fill', 'station']));
  });
});
