import { describe, expect, it } from 'vitest';
import { emptyIntake, filterSubTypes, subTypeOptions, validateIntake } from './intake.ts';

const known = new Set(['criminal.robbery', 'public_order.fight']);
const filled = () => ({
  ...emptyIntake(),
  subType: 'criminal.robbery',
  address: '  江州市白沙路 12 号 ',
  description: '两名男子持刀抢劫便利店',
});

describe('new-call validation', () => {
  it('defaults the channel to phone and turns a complete form into the request body (trimmed)', () => {
    expect(emptyIntake().channel).toBe('phone');
    const r = validateIntake({ ...filled(), weapons: true, injuries: '2', crowdSize: '' }, known);
    expect(r).toEqual({
      ok: true,
      body: {
        category: 'criminal',
        subType: 'criminal.robbery',
        address: '江州市白沙路 12 号',
        description: '两名男子持刀抢劫便利店',
        channel: 'phone',
        weapons: true,
        injuries: 2,
      },
    });
  });

  it('reports every missing required field at once and sends nothing', () => {
    const r = validateIntake(emptyIntake(), known);
    expect(r).toEqual({ ok: false, errors: { subType: 'required', address: 'required', description: 'required' } });
  });

  it('rejects an unknown sub-type, a bad phone, a one-letter address and non-numeric counts', () => {
    const r = validateIntake(
      {
        ...filled(),
        subType: 'criminal.dragons',
        address: 'x',
        callerPhone: '12ab',
        injuries: '-1',
        crowdSize: '2.5',
      },
      known,
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual({
        subType: 'unknownType',
        address: 'tooShort',
        callerPhone: 'phone',
        injuries: 'count',
        crowdSize: 'count',
      });
    expect(validateIntake({ ...filled(), crowdSize: '2000000' }, known)).toMatchObject({
      ok: false,
      errors: { crowdSize: 'count' },
    });
  });

  it('keeps the caller fields when given, including an international phone', () => {
    const r = validateIntake({ ...filled(), callerName: '张三', callerPhone: '+86-138-0000-0000' }, known);
    expect(r.ok && r.body).toMatchObject({ callerName: '张三', callerPhone: '+86-138-0000-0000' });
  });
});

describe('sub-type picker filter', () => {
  const options = subTypeOptions({
    categories: [
      { code: 'criminal', label: '刑事' },
      { code: 'public_order', label: '治安' },
    ],
    subTypes: [
      { code: 'criminal.theft', category: 'criminal', label: '盗窃', baseSeverity: 4 },
      { code: 'criminal.burglary', category: 'criminal', label: '入室盗窃', baseSeverity: 3 },
      { code: 'criminal.robbery', category: 'criminal', label: '抢劫', baseSeverity: 2 },
      { code: 'public_order.fight', category: 'public_order', label: '打架斗殴', baseSeverity: 3 },
      { code: 'public_order.unknown', category: 'nowhere', label: '其他', baseSeverity: 4 },
    ],
  });

  it('matches by Chinese label, category label and code, label prefixes first', () => {
    expect(filterSubTypes(options, '抢').map((o) => o.code)).toEqual(['criminal.robbery']);
    expect(filterSubTypes(options, '盗窃').map((o) => o.code)).toEqual(['criminal.theft', 'criminal.burglary']);
    expect(filterSubTypes(options, 'robbery').map((o) => o.code)).toEqual(['criminal.robbery']);
    expect(filterSubTypes(options, '治安').map((o) => o.code)).toEqual(['public_order.fight']);
    expect(filterSubTypes(options, 'ROB').map((o) => o.code)).toEqual(['criminal.robbery']);
  });

  it('needs every word to match, lists everything for an empty query and nothing for nonsense', () => {
    expect(filterSubTypes(options, '刑事 盗').map((o) => o.code)).toEqual(['criminal.theft', 'criminal.burglary']);
    expect(filterSubTypes(options, '  ')).toHaveLength(5);
    expect(filterSubTypes(options, 'zzz')).toEqual([]);
    // A sub-type whose category is missing from the list still shows, under its raw category code.
    expect(options[4]!.categoryLabel).toBe('nowhere');
  });
});
