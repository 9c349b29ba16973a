/** Booking at release: duty minutes (both travel legs and time on task), points and the out-of-area allowance. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOOKING_RULES, bookAssignment } from './execution.booking.ts';

const t = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00Z`);

describe('bookAssignment', () => {
  it('books outward travel, time on task and the drive home; points = difficulty × hours × risk; 1.2 × base pro rata', () => {
    // 40 min out, 300 min on task, home estimated 30 min (the planned ETA) → 370 min.
    const b = bookAssignment({
      level: 2,
      type: 'public_order',
      orderedAt: t('08:00'),
      arrivedAt: t('08:40'),
      releasedAt: t('13:40'),
      etaSec: 1800,
      outOfArea: true,
    });
    // 3 × (370 / 60) × 1.2 = 22.2; 400 × 1.2 × 370 / 1440 = 123.33.
    expect(b).toEqual({ travelMinutes: 70, onTaskMinutes: 300, dutyMinutes: 370, points: 22.2, allowance: 123.33 });
  });

  it('turns an officer stood down on the way back from where he is; no allowance inside his own region', () => {
    const b = bookAssignment({
      level: 4,
      type: 'unlisted_type',
      orderedAt: t('08:00'),
      arrivedAt: null,
      releasedAt: t('08:10'),
      etaSec: 1800,
      outOfArea: false,
    });
    // 10 min out, 10 back (not the 30-min ETA); difficulty 1, risk 1 → 1 × 20/60 = 0.33.
    expect(b).toEqual({ travelMinutes: 20, onTaskMinutes: 0, dutyMinutes: 20, points: 0.33, allowance: 0 });
  });

  it('takes configured tables', () => {
    const b = bookAssignment(
      {
        level: 1,
        type: 'riot',
        orderedAt: t('08:00'),
        arrivedAt: t('09:00'),
        releasedAt: t('10:00'),
        etaSec: 3600,
        outOfArea: true,
      },
      { ...DEFAULT_BOOKING_RULES, difficultyByLevel: { 1: 10 }, riskByType: { riot: 2 }, allowanceBasePerDay: 1440 },
    );
    // 180 min = 3 h → 10 × 3 × 2 = 60; 1440 × 1.2 × 180 / 1440 = 216.
    expect(b).toMatchObject({ dutyMinutes: 180, points: 60, allowance: 216 });
  });
});
