import { describe, expect, it } from 'vitest';
import type { Actor } from '../../context.ts';
import { maskAddress, maskIdNumber, maskPhone, visibleGrades } from './policy.masking.ts';

describe('masking formats', () => {
  it('keeps the region code and last four of an ID number', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110101********1234');
    expect(maskIdNumber('11010119900307123X')).toBe('110101********123X');
    expect(maskIdNumber('12345')).toBe('*****');
  });
  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('020-87654321')).toBe('020****4321');
    expect(maskPhone('110')).toBe('***');
  });
  it('keeps an address down to its county or district only', () => {
    expect(maskAddress('广东省广州市天河区体育西路1号')).toBe('广东省广州市天河区****');
    expect(maskAddress('广西壮族自治区南宁市青秀区民族大道100号')).toBe('广西壮族自治区南宁市青秀区****');
    expect(maskAddress('新疆维吾尔自治区阿克苏地区库车县新城路8号')).toBe('新疆维吾尔自治区阿克苏地区库车县****');
    expect(maskAddress('内蒙古自治区鄂尔多斯市伊金霍洛旗阿镇9号')).toBe('内蒙古自治区鄂尔多斯市伊金霍洛旗****');
    expect(maskAddress('测试省甲市甲一区')).toBe('测试省甲市甲一区');
    expect(maskAddress('某街道12号')).toBe('****');
  });
});

describe('visibleGrades', () => {
  const at = (role: 'station_chief' | 'system_admin' | 'patrol_officer', path: string): Actor => ({
    userId: 'a',
    username: 'a',
    sessionId: 's',
    assignments: [{ role, jurisdictionId: 'x', jurisdictionPath: path }],
    grants: [],
  });
  const now = new Date();
  const user = { type: 'user', jurisdictionPath: '/44/4401/440103/440103001/', ownerId: 'b' };
  it('shows each grade only to roles allowed to unmask it on that record', () => {
    expect([...visibleGrades(at('system_admin', '/44/'), user, now)].sort()).toEqual(['core', 'general', 'important']);
    expect([...visibleGrades(at('station_chief', '/44/4401/440103/440103001/'), user, now)].sort()).toEqual([
      'general',
      'important',
    ]);
    expect([...visibleGrades(at('station_chief', '/44/4401/440104/'), user, now)]).toEqual(['general']);
    expect([...visibleGrades(at('patrol_officer', '/44/'), user, now)]).toEqual(['general']);
    expect([...visibleGrades(null, user, now)]).toEqual(['general']);
  });
  it('shows a user all of their own data', () => {
    expect([...visibleGrades(at('patrol_officer', '/44/'), { ...user, ownerId: 'a' }, now)].sort()).toEqual([
      'core',
      'general',
      'important',
    ]);
  });
});
