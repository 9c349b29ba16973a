import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../app/http.ts';
import {
  codeFromHash,
  codeProblem,
  failureOf,
  formatStageTime,
  normaliseCode,
  progressSteps,
} from './progress.steps.ts';

describe('query code input', () => {
  it('accepts a code typed in lower case, in groups, or with full-width characters', () => {
    expect(normaliseCode('ab3d e5fg-h7')).toBe('AB3DE5FGH7');
    expect(normaliseCode('ＡＢ３Ｄ　Ｅ５ＦＧＨ７')).toBe('AB3DE5FGH7');
    expect(codeProblem(normaliseCode(' ab3de5fgh7 '))).toBeNull();
  });

  it('says why a code is wrong: empty, wrong length, or characters other than A-Z and 0-9', () => {
    expect(codeProblem('')).toBe('empty');
    expect(codeProblem('AB3DE5FGH')).toBe('length');
    expect(codeProblem('AB3DE5FGH77')).toBe('length');
    expect(codeProblem('AB3DE5FGH!')).toBe('characters');
    expect(codeProblem('报警AB3DE5FGH')).toBe('characters');
  });

  it('reads the code from #/progress/<code>, and nothing from other hashes', () => {
    expect(codeFromHash('#/progress/ab3de5fgh7')).toBe('AB3DE5FGH7');
    expect(codeFromHash('#/progress/AB3DE5FGH7?x=1')).toBe('AB3DE5FGH7');
    expect(codeFromHash('#/progress/')).toBeNull();
    expect(codeFromHash('#/progress')).toBeNull();
    expect(codeFromHash('#/field')).toBeNull();
    expect(codeFromHash('#/progress/%E0%A4%A')).toBeNull();
  });
});

describe('progress steps', () => {
  it('lists the stages reached with their times, marks the current one and shows the stages still ahead', () => {
    const steps = progressSteps({
      stages: [
        { stage: 'received', at: '2026-11-23T08:00:00Z' },
        { stage: 'graded', at: '2026-11-23T08:01:00Z' },
        { stage: 'dispatched', at: '2026-11-23T08:02:00Z' },
      ],
      current: 'dispatched',
    });
    expect(steps.map((s) => [s.stage, s.state])).toEqual([
      ['received', 'done'],
      ['graded', 'done'],
      ['dispatched', 'current'],
      ['acknowledged', 'ahead'],
      ['en_route', 'ahead'],
      ['on_scene', 'ahead'],
      ['handled', 'ahead'],
      ['closed', 'ahead'],
    ]);
    expect(steps[2]!.at).toBe('2026-11-23T08:02:00Z');
    expect(steps[3]!.at).toBeNull();
  });

  it('leaves out skipped stages and shows nothing ahead once closed', () => {
    const steps = progressSteps({
      stages: [
        { stage: 'received', at: '2026-11-23T08:00:00Z' },
        { stage: 'dispatched', at: '2026-11-23T08:02:00Z' },
        { stage: 'on_scene', at: '2026-11-23T08:09:00Z' },
        { stage: 'closed', at: '2026-11-23T09:00:00Z' },
      ],
      current: 'closed',
    });
    expect(steps.map((s) => s.stage)).toEqual(['received', 'dispatched', 'on_scene', 'closed']);
    expect(steps.every((s) => s.state === 'done')).toBe(true);
  });

  it('ends with the cancellation when the incident was cancelled', () => {
    const steps = progressSteps({
      stages: [
        { stage: 'received', at: '2026-11-23T08:00:00Z' },
        { stage: 'cancelled', at: '2026-11-23T08:03:00Z' },
      ],
      current: 'cancelled',
    });
    expect(steps).toEqual([
      { stage: 'received', at: '2026-11-23T08:00:00Z', state: 'done' },
      { stage: 'cancelled', at: '2026-11-23T08:03:00Z', state: 'done' },
    ]);
  });

  it('after a reopen shows the latest time of a repeated stage and the later stages as ahead again', () => {
    const steps = progressSteps({
      stages: [
        { stage: 'received', at: '2026-11-23T08:00:00Z' },
        { stage: 'on_scene', at: '2026-11-23T08:10:00Z' },
        { stage: 'handled', at: '2026-11-23T08:30:00Z' },
        { stage: 'on_scene', at: '2026-11-23T08:40:00Z' },
      ],
      current: 'on_scene',
    });
    const byStage = Object.fromEntries(steps.map((s) => [s.stage, s]));
    expect(byStage.on_scene).toEqual({ stage: 'on_scene', at: '2026-11-23T08:40:00Z', state: 'current' });
    expect(byStage.handled).toEqual({ stage: 'handled', at: null, state: 'ahead' });
  });

  it('ignores stage names it does not know instead of showing them', () => {
    const steps = progressSteps({
      stages: [
        { stage: 'received', at: '2026-11-23T08:00:00Z' },
        { stage: 'officer_note', at: '2026-11-23T08:01:00Z' },
      ],
      current: 'received',
    });
    expect(steps.map((s) => s.stage)).not.toContain('officer_note');
    expect(steps[0]).toEqual({ stage: 'received', at: '2026-11-23T08:00:00Z', state: 'current' });
  });
});

describe('stage times', () => {
  it('are shown in China time whatever the device zone, and empty for a bad date', () => {
    expect(formatStageTime('2026-11-23T08:05:00Z', 'zh-CN')).toContain('16:05');
    expect(formatStageTime('2026-11-23T08:05:00Z', 'zh-CN')).toContain('11月23日');
    expect(formatStageTime('2026-11-23T20:05:00Z', 'en')).toMatch(/Nov 24.*04:05/);
    expect(formatStageTime('not a date', 'en')).toBe('');
  });
});

describe('look-up failures', () => {
  it('tells an unknown code, too many look-ups, no network and server trouble apart', () => {
    expect(failureOf(new ApiError(404, 'PROGRESS_NOT_FOUND', 'x'))).toBe('notFound');
    expect(failureOf(new ApiError(400, 'VALIDATION_FAILED', 'x'))).toBe('notFound');
    expect(failureOf(new ApiError(429, 'RATE_LIMITED', 'x'))).toBe('rateLimited');
    expect(failureOf(new ApiError(0, 'NETWORK', 'x'))).toBe('network');
    expect(failureOf(new ApiError(503, 'DATABASE_UNAVAILABLE', 'x'))).toBe('failed');
    expect(failureOf(new TypeError('boom'))).toBe('failed');
  });
});
