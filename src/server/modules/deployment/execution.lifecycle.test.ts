/** The officer-side stages: forward moves, harmless repeats, refused moves. */
import { describe, expect, it } from 'vitest';
import { reportStage } from './execution.lifecycle.ts';

describe('reportStage', () => {
  it('moves forward, also skipping stages (arrived straight from ordered)', () => {
    expect(reportStage('ordered', 'acknowledged')).toEqual({ kind: 'move', to: 'acknowledged' });
    expect(reportStage('acknowledged', 'en_route')).toEqual({ kind: 'move', to: 'en_route' });
    expect(reportStage('ordered', 'arrived')).toEqual({ kind: 'move', to: 'arrived' });
  });

  it('treats a repeated or implied stage as harmless', () => {
    expect(reportStage('en_route', 'en_route')).toEqual({ kind: 'repeat' });
    expect(reportStage('arrived', 'acknowledged')).toEqual({ kind: 'repeat' });
    expect(reportStage('handed_over', 'arrived')).toEqual({ kind: 'repeat' });
  });

  it('refuses going back and anything on a finished or unissued assignment', () => {
    expect(reportStage('arrived', 'en_route')).toEqual({ kind: 'refused', allowed: [] });
    expect(reportStage('handed_over', 'en_route')).toEqual({ kind: 'refused', allowed: [] });
    expect(reportStage('released', 'acknowledged')).toEqual({ kind: 'refused', allowed: [] });
    expect(reportStage('cancelled', 'arrived')).toEqual({ kind: 'refused', allowed: [] });
    expect(reportStage('proposed', 'acknowledged')).toEqual({ kind: 'refused', allowed: [] });
  });
});
