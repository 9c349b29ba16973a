import { describe, expect, it } from 'vitest';
import { STAGE_TARGETS_SEC, stageTimers } from './incident.timers.ts';
import { progressSmsText } from './incident.sms.ts';

const t0 = new Date('2026-11-23T08:00:00Z');
const at = (sec: number) => new Date(t0.getTime() + sec * 1000);

describe('stage timers', () => {
  it('runs the dispatch and on-scene clocks from reception, late past the severity’s target', () => {
    const timers = stageTimers(1, t0, { received: t0 }, at(90));
    expect(timers).toEqual([
      { stage: 'dispatch', targetSec: 60, elapsedSec: 90, done: false, late: true },
      { stage: 'on_scene', targetSec: 300, elapsedSec: 90, done: false, late: false },
    ]);
    // The same wait is on time for a severity IV call.
    expect(stageTimers(4, t0, {}, at(90)).every((x) => !x.late)).toBe(true);
  });

  it('stops a clock when its stage is reached and starts the acknowledgement clock at the dispatch', () => {
    const times = { received: t0, graded: at(5), dispatched: at(40), acknowledged: at(130) };
    const timers = stageTimers(2, t0, times, at(400));
    expect(timers).toEqual([
      { stage: 'dispatch', targetSec: 120, elapsedSec: 40, done: true, late: false },
      { stage: 'acknowledge', targetSec: 60, elapsedSec: 90, done: true, late: true },
      { stage: 'on_scene', targetSec: 300, elapsedSec: 400, done: false, late: true },
    ]);
  });

  it('counts a later stage as reaching the earlier ones (on scene without a separate acknowledgement)', () => {
    const timers = stageTimers(3, t0, { dispatched: at(60), on_scene: at(600) }, at(2000));
    expect(timers.map((x) => [x.stage, x.done, x.elapsedSec])).toEqual([
      ['dispatch', true, 60],
      ['acknowledge', true, 540],
      ['on_scene', true, 600],
    ]);
  });

  it('clamps odd severities and never counts negative time', () => {
    expect(stageTimers(9, t0, {}, at(-5))[0]).toMatchObject({
      targetSec: STAGE_TARGETS_SEC.dispatch[4],
      elapsedSec: 0,
    });
    expect(stageTimers(0, t0, {}, at(1))[0]!.targetSec).toBe(STAGE_TARGETS_SEC.dispatch[1]);
  });
});

describe('the caller’s SMS', () => {
  it('carries the code, Beijing time and the progress link, and nothing else about the call', () => {
    const text = progressSmsText('ABCDEFGH23', new Date('2026-11-23T15:07:00Z'), 'https://110.example.cn/');
    expect(text).toBe(
      '【110】您23:07的报警已受理，查询码ABCDEFGH23，进度查询：https://110.example.cn/#/progress/ABCDEFGH23',
    );
  });
});
