import { describe, expect, it } from 'vitest';
import { SEVERITY_COLORS, UNIT_STATUS_COLORS, matchColor } from './map.colors.ts';

describe('board map colours', () => {
  it('builds a match expression with numeric keys for severities and string keys for statuses', () => {
    expect(matchColor('severity', { 1: '#a', 2: '#b' }, '#z')).toEqual([
      'match',
      ['get', 'severity'],
      1,
      '#a',
      2,
      '#b',
      '#z',
    ]);
    expect(matchColor('status', { available: '#g' }, '#z')).toEqual([
      'match',
      ['get', 'status'],
      'available',
      '#g',
      '#z',
    ]);
  });

  it('gives every severity and every unit status its own colour', () => {
    expect(Object.keys(SEVERITY_COLORS)).toEqual(['1', '2', '3', '4']);
    expect(new Set(Object.values(SEVERITY_COLORS)).size).toBe(4);
    const statuses = ['available', 'dispatched', 'en_route', 'on_scene', 'returning', 'busy', 'off_duty'];
    expect(Object.keys(UNIT_STATUS_COLORS).sort()).toEqual([...statuses].sort());
    expect(new Set(Object.values(UNIT_STATUS_COLORS)).size).toBe(statuses.length);
  });
});
