import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Demand, Plan, PlanAssignment } from '../api/deployment.api.ts';
import {
  byUrgency,
  countAdjustments,
  mergeAdjustments,
  countdown,
  coverAtRisk,
  demandColor,
  formatCountdown,
  fromBase64,
  groupShortfalls,
  isP1363P256,
  planDiff,
  reasonZh,
  shortfallHeadline,
  shortfallWhyZh,
  signed,
  slackMinutes,
  toBase64,
} from './deployment.utils.ts';

const skillName = (c: string) => ({ riot_control: '处突', negotiation: '谈判', general: '普通警力' })[c] ?? c;

function demand(over: Partial<Demand>): Demand {
  return {
    id: 'd',
    code: 'TS-1',
    jurisdictionId: '440101',
    type: 'public_order',
    level: 3,
    title: 't',
    lon: 0,
    lat: 0,
    meetingPoint: null,
    headcount: 1,
    requiredSkills: [],
    requiredEquipment: [],
    deadlineAt: '2026-11-23T12:00:00.000Z',
    expectedDurationMin: 60,
    status: 'open',
    source: 'manual',
    sourceDetail: null,
    incidentId: null,
    createdAt: '2026-11-23T10:00:00.000Z',
    confirmedAt: null,
    ...over,
  };
}

const asg = (officerId: string, demandId: string, etaSec: number): PlanAssignment => ({
  id: `${officerId}-${demandId}`,
  officerId,
  officerName: officerId,
  policeNumber: '0',
  regionId: 'r1',
  demandId,
  slot: 'general',
  etaSec,
  reason: '',
  status: 'proposed',
});

function plan(over: Partial<Plan>): Plan {
  return {
    id: 'p',
    status: 'proposed',
    demandIds: [],
    requiredApproval: 'city',
    emergency: false,
    objective: 10,
    method: 'lp',
    solveMs: 1,
    assignments: [],
    shortfalls: [],
    cover: {},
    passedOver: [],
    rejectedPins: [],
    equipment: [],
    equipmentShortfalls: [],
    adjustments: {},
    timings: { loadMs: 0, etaMs: 0, solveMs: 0, totalMs: 0 },
    createdAt: '2026-11-23T10:00:00.000Z',
    ...over,
  };
}

describe('countdowns', () => {
  it('formats minutes and hours, absolute', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(59_999)).toBe('0:59');
    expect(formatCountdown(61_000)).toBe('1:01');
    expect(formatCountdown(3_600_000 + 5 * 60_000 + 7_000)).toBe('1:05:07');
    expect(formatCountdown(-90_000)).toBe('1:30');
  });

  it('flags overdue and urgent (under 15 minutes)', () => {
    const now = Date.parse('2026-11-23T11:50:00.000Z');
    expect(countdown('2026-11-23T12:00:00.000Z', now)).toEqual({ text: '10:00', overdue: false, urgent: true });
    expect(countdown('2026-11-23T13:00:00.000Z', now).urgent).toBe(false);
    expect(countdown('2026-11-23T11:49:00.000Z', now)).toEqual({ text: '1:00', overdue: true, urgent: false });
  });

  it('slack is deadline window minus ETA, negative when late', () => {
    expect(slackMinutes(600, '2026-11-23T10:30:00.000Z', '2026-11-23T10:00:00.000Z')).toBe(20);
    expect(slackMinutes(2400, '2026-11-23T10:30:00.000Z', '2026-11-23T10:00:00.000Z')).toBe(-10);
  });
});

describe('urgency order', () => {
  it('puts active before history, then level I first, then the nearest deadline', () => {
    const list = [
      demand({ code: 'a', level: 4, deadlineAt: '2026-11-23T10:10:00Z' }),
      demand({ code: 'b', level: 1, deadlineAt: '2026-11-23T15:00:00Z', status: 'closed' }),
      demand({ code: 'c', level: 2, deadlineAt: '2026-11-23T14:00:00Z' }),
      demand({ code: 'd', level: 2, deadlineAt: '2026-11-23T11:00:00Z', status: 'draft' }),
    ].sort(byUrgency);
    expect(list.map((d) => d.code)).toEqual(['d', 'c', 'a', 'b']);
  });
});

describe('what-if difference', () => {
  it('reports objective, arrival, unmet, moved officers and cover changes', () => {
    const before = plan({
      objective: 100,
      assignments: [asg('o1', 'A', 600), asg('o2', 'A', 1200), asg('o3', 'B', 300)],
      shortfalls: [{ demandId: 'B', slot: 'negotiation', missing: 1, why: '' }],
      cover: {
        r1: { available: 10, lent: 3, left: 7, minCover: 5 },
        r2: { available: 4, lent: 0, left: 4, minCover: 2 },
      },
    });
    const after = plan({
      objective: 92.5,
      assignments: [asg('o1', 'B', 900), asg('o3', 'B', 300), asg('o4', 'A', 600)],
      shortfalls: [
        { demandId: 'B', slot: 'negotiation', missing: 1, why: '' },
        { demandId: 'A', slot: 'general', missing: 2, why: '' },
      ],
      cover: {
        r1: { available: 10, lent: 2, left: 8, minCover: 5 },
        r2: { available: 4, lent: 1, left: 3, minCover: 2 },
      },
    });
    const d = planDiff(before, after);
    expect(d.objectiveDelta).toBe(-7.5);
    expect(d.meanEtaDeltaMin).toBe(-1.7); // mean 700 s → 600 s
    expect(d.maxEtaDeltaMin).toBe(-5); // 1200 → 900 s
    expect(d.unmetDelta).toBe(2);
    expect(d.added).toEqual(['o4']);
    expect(d.removed).toEqual(['o2']);
    expect(d.moved).toEqual(['o1']);
    expect(d.cover).toEqual([
      { regionId: 'r1', before: 7, after: 8 },
      { regionId: 'r2', before: 4, after: 3 },
    ]);
  });

  it('has no arrival or objective figures when a side has none', () => {
    const d = planDiff(plan({ objective: null }), plan({ assignments: [asg('o1', 'A', 60)] }));
    expect(d.objectiveDelta).toBeNull();
    expect(d.meanEtaDeltaMin).toBeNull();
    expect(d.maxEtaDeltaMin).toBeNull();
    expect(d.added).toEqual(['o1']);
  });

  it('signs differences', () => {
    expect(signed(3)).toBe('+3');
    expect(signed(-1.5)).toBe('−1.5');
    expect(signed(0)).toBe('±0');
  });
});

describe('shortfalls in plain words', () => {
  it('groups by slot and words the headline', () => {
    const g = groupShortfalls(
      [
        { demandId: 'A', slot: 'riot_control', missing: 1, why: 'x' },
        { demandId: 'A', slot: 'riot_control', missing: 2, why: 'x' },
        { demandId: 'B', slot: 'general', missing: 4, why: 'y' },
      ],
      'A',
    );
    expect(g).toHaveLength(1);
    expect(shortfallHeadline(g[0]!, skillName, true)).toBe('缺 处突 3 人');
    expect(shortfallHeadline(g[0]!, skillName, false)).toBe('3 × 处突 missing');
  });

  it('translates the solver’s why-not texts and leaves unknown ones alone', () => {
    expect(shortfallWhyZh('no officer in the pool has negotiation', skillName)).toBe('可调警力中无人具备谈判技能');
    expect(
      shortfallWhyZh(
        'no officers with riot_control arrives before the 30-min deadline (4 too far or unreachable)',
        skillName,
      ),
    ).toBe('没有具备处突技能的民警能在 30 分钟时限内到达（4 人路程过远或不可达）');
    expect(
      shortfallWhyZh(
        "no officers eligible: 2 arrive too late, 1 would exceed the 12-hour duty cap, 3 are held by their region's minimum cover",
        skillName,
      ),
    ).toBe('没有可用的民警：2 人无法按时到达，1 人将超过每日 12 小时执勤上限，3 人须留守本地区');
    expect(shortfallWhyZh('something new', skillName)).toBe('something new');
  });

  it('finds regions whose cover left falls below the minimum', () => {
    expect(
      coverAtRisk({
        a: { available: 10, lent: 6, left: 4, minCover: 5 },
        b: { available: 3, lent: 0, left: 3, minCover: 5 },
        c: { available: 10, lent: 5, left: 5, minCover: 5 },
      }),
    ).toEqual(['a']);
  });
});

describe('signature encodings', () => {
  it('round-trips base64 (also long inputs)', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(toBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
    expect(Buffer.from(toBase64(bytes), 'base64').equals(Buffer.from(bytes))).toBe(true);
  });

  it('a WebCrypto P-256 signature over a payload verifies as the server checks it; a changed payload does not', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const spki = toBase64(await crypto.subtle.exportKey('spki', pair.publicKey));
    const text = '{"approvalId":"a","decision":"approve","title":"体育中心"}';
    const sig = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(text)),
    );
    expect(isP1363P256(sig)).toBe(true);
    const key = createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
    const check = (t: string) =>
      verify(
        'sha256',
        Buffer.from(t, 'utf8'),
        { key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(toBase64(sig), 'base64'),
      );
    expect(check(text)).toBe(true);
    expect(check(text.replace('approve', 'reject'))).toBe(false);
    expect(isP1363P256(new Uint8Array(71))).toBe(false);
  });

  it('colours demands distinctly and wraps', () => {
    expect(demandColor(0)).not.toBe(demandColor(1));
    expect(demandColor(10)).toBe(demandColor(0));
    expect(demandColor(-1)).toBe(demandColor(9));
  });
});

describe('what-if adjustments', () => {
  it('merges the plan’s adjustments with the pending ones (server replaces, does not accumulate)', () => {
    const base = { remove: ['o1'], pins: [{ officerId: 'o2', demandId: 'A' }], headcount: { A: 5 } };
    const m = mergeAdjustments(base, { remove: ['o2'], pins: [{ officerId: 'o1', demandId: 'B' }], cover: { r1: 4 } });
    expect(m.remove).toEqual(['o2']);
    expect(m.pins).toEqual([{ officerId: 'o1', demandId: 'B' }]);
    expect(m.headcount).toEqual({ A: 5 });
    expect(m.cover).toEqual({ r1: 4 });
    expect(countAdjustments(m)).toBe(4);
    expect(mergeAdjustments(null, {})).toEqual({});
    expect(mergeAdjustments({ headcount: { A: 5 } }, { headcount: { A: 7 } }).headcount).toEqual({ A: 7 });
  });
});

describe('reasons in plain words', () => {
  it('translates each part of the solver’s reason', () => {
    const region = (id: string) => (id === '440103' ? '江南区' : id);
    expect(
      reasonZh(
        'pinned by the planner; has riot_control; ETA 12 min, 48 min before the 60-min deadline; 8 task points, 1 deployment(s) in 30 days; lent by region 440103',
        skillName,
        region,
      ),
    ).toBe(
      '规划员锁定；具备处突技能；预计 12 分钟到达，早于 60 分钟时限 48 分钟；任务积分 8，近 30 天投送 1 次；由江南区借调',
    );
    expect(reasonZh('general slot; from the receiving region; something else', skillName, region)).toBe(
      '普通警力岗位；本地区警力；something else',
    );
    expect(reasonZh('', skillName, region)).toBe('');
  });
});
