/** Parsing of device lines and splitting of a TCP byte stream into lines (pure, no I/O). */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, errLine, parseLine } from './devices.protocol.ts';
import { LineSplitter } from './devices.tcp.ts';

describe('parseLine', () => {
  it('reads the four commands, case-insensitively, with optional fields', () => {
    expect(parseLine('AUTH jwa_abc')).toEqual({ kind: 'auth', token: 'jwa_abc' });
    expect(parseLine('ping')).toEqual({ kind: 'ping' });
    expect(parseLine('POS u1 113.25 23.125 2026-11-23T08:15:00Z')).toEqual({
      kind: 'pos',
      position: { unitId: 'u1', lon: 113.25, lat: 23.125, recordedAt: '2026-11-23T08:15:00Z' },
    });
    expect(parseLine('pos  u1\t113.25 23.125 2026-11-23T16:15:00.250+08:00 40 359.5')).toEqual({
      kind: 'pos',
      position: {
        unitId: 'u1',
        lon: 113.25,
        lat: 23.125,
        recordedAt: '2026-11-23T16:15:00.250+08:00',
        speedKmh: 40,
        heading: 359.5,
      },
    });
    expect(parseLine('STATUS u1 en_route')).toEqual({ kind: 'status', unitId: 'u1', status: 'en_route' });
    expect(parseLine('STATUS u1 busy 交通 管制')).toEqual({
      kind: 'status',
      unitId: 'u1',
      status: 'busy',
      reason: '交通 管制',
    });
  });

  it.each([
    ['', 'DEVICE_COMMAND_UNKNOWN'],
    ['GO u1', 'DEVICE_COMMAND_UNKNOWN'],
    ['AUTH', 'UNAUTHENTICATED'],
    ['AUTH a b', 'UNAUTHENTICATED'],
    ['PING now', 'VALIDATION_FAILED'],
    ['POS u1 113 23', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-11-23T08:15:00Z 1 2 3', 'VALIDATION_FAILED'],
    ['POS u1 1e2 23 2026-11-23T08:15:00Z', 'VALIDATION_FAILED'],
    ['POS u1 NaN 23 2026-11-23T08:15:00Z', 'VALIDATION_FAILED'],
    ['POS u1 181 23 2026-11-23T08:15:00Z', 'VALIDATION_FAILED'],
    ['POS u1 113 -91 2026-11-23T08:15:00Z', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-11-23 08:15:00', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-11-23T08:15:00', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-13-45T08:15:00Z', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-11-23T08:15:00Z -1', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-11-23T08:15:00Z 401', 'VALIDATION_FAILED'],
    ['POS u1 113 23 2026-11-23T08:15:00Z 10 360', 'VALIDATION_FAILED'],
    [`POS ${'u'.repeat(65)} 113 23 2026-11-23T08:15:00Z`, 'VALIDATION_FAILED'],
    ['STATUS u1', 'VALIDATION_FAILED'],
    ['STATUS u1 asleep', 'VALIDATION_FAILED'],
    [`STATUS u1 busy ${'x'.repeat(501)}`, 'VALIDATION_FAILED'],
    [`PING ${'x'.repeat(MAX_LINE_BYTES)}`, 'DEVICE_LINE_TOO_LONG'],
  ])('refuses %j with %s', (line, code) => {
    const r = parseLine(line);
    expect(r.kind).toBe('invalid');
    expect(r).toMatchObject({ code });
  });

  it('keeps an error reply on one line', () => {
    expect(errLine('X', 'a\nb\r\nc')).toBe('ERR X a b c');
  });
});

describe('LineSplitter', () => {
  const split = (chunks: (string | Buffer)[]) => {
    const out: string[] = [];
    const s = new LineSplitter(
      (l) => out.push(l),
      () => out.push('<too long>'),
    );
    for (const c of chunks) s.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return out;
  };

  it('joins lines split across packets, drops \\r, and splits several lines in one packet', () => {
    expect(split(['PI', 'NG\r\nPOS a', ' 1 2 t\nSTA', 'TUS u busy\n', 'tail'])).toEqual([
      'PING',
      'POS a 1 2 t',
      'STATUS u busy',
    ]);
  });

  it('does not cut a UTF-8 character split across packets', () => {
    const bytes = Buffer.from('STATUS u busy 警务\n');
    expect(split([bytes.subarray(0, 16), bytes.subarray(16)])).toEqual(['STATUS u busy 警务']);
  });

  it('refuses an over-long line once, skips it to its end, and goes on', () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    expect(split([long.slice(0, 700), long.slice(700), '\nPING\n'])).toEqual(['<too long>', 'PING']);
    expect(split([`${long}\nPING\n`])).toEqual(['<too long>', 'PING']);
    expect(split([`${'y'.repeat(MAX_LINE_BYTES)}\n`])).toEqual(['y'.repeat(MAX_LINE_BYTES)]);
  });
});
