/**
 * The vehicle-terminal line protocol: one command per line (UTF-8, `\n` or `\r\n`), one reply line each.
 *
 *     AUTH <access token>                                               → OK AUTH <username>
 *     POS <unitId> <lon> <lat> <ISO-8601 device time> [speedKmh] [heading] → OK POS <unitId>
 *     STATUS <unitId> <status> [reason…]                                → OK STATUS <unitId> <status>
 *     PING                                                              → OK PONG
 *     anything wrong                                                    → ERR <ERROR_CODE> <message>
 *
 * Parsing is pure (no I/O) so it is tested on its own; the session (`devices.session.ts`) runs the commands.
 * The checks mirror the HTTP schemas (`PositionItem`, `UnitStatusBody`), so a line is refused for the same
 * reasons a JSON body would be.
 */
import type { ErrorCode } from '../../../contracts/error-codes.ts';
import type { PositionItemDto } from '../dispatch/dispatch.schemas.ts';
import { UNIT_STATUSES, type UnitStatus } from '../dispatch/unit.status.ts';

/** Longest accepted line in bytes (a POS line is about 90). */
export const MAX_LINE_BYTES = 1024;

export type DeviceCommand =
  | { kind: 'auth'; token: string }
  | { kind: 'pos'; position: PositionItemDto }
  | { kind: 'status'; unitId: string; status: UnitStatus; reason?: string }
  | { kind: 'ping' };

/** A line that cannot be run, with the error code and message to answer. */
export interface ParseFailure {
  kind: 'invalid';
  code: ErrorCode;
  message: string;
}

const UNIT_ID = /^[^\s]{1,64}$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
// RFC 3339 date-time with a zone, as the JSON schema's `date-time` format.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

const invalid = (message: string, code: ErrorCode = 'VALIDATION_FAILED'): ParseFailure => ({
  kind: 'invalid',
  code,
  message,
});

function number(text: string, name: string, min: number, max: number, maxExclusive = false): number | ParseFailure {
  if (!DECIMAL.test(text)) return invalid(`${name} must be a decimal number, got "${text.slice(0, 32)}".`);
  const n = Number(text);
  if (n < min || (maxExclusive ? n >= max : n > max)) {
    return invalid(`${name} must be between ${min} and ${max}${maxExclusive ? ' (exclusive)' : ''}, got ${n}.`);
  }
  return n;
}

const POS_USAGE = 'POS <unitId> <lon> <lat> <ISO-8601 device time> [speedKmh] [heading]';

function parsePos(args: string[]): DeviceCommand | ParseFailure {
  if (args.length < 4 || args.length > 6) return invalid(`Usage: ${POS_USAGE}.`);
  const [unitId, lonText, latText, at, speedText, headingText] = args as [string, string, string, string, ...string[]];
  if (!UNIT_ID.test(unitId)) return invalid('unitId must be 1 to 64 characters without spaces.');
  const lon = number(lonText, 'lon', -180, 180);
  if (typeof lon !== 'number') return lon;
  const lat = number(latText, 'lat', -90, 90);
  if (typeof lat !== 'number') return lat;
  if (!DATE_TIME.test(at) || Number.isNaN(Date.parse(at))) {
    return invalid(`device time must be ISO-8601 with a zone, e.g. 2026-11-23T08:15:00Z; got "${at.slice(0, 40)}".`);
  }
  const position: PositionItemDto = { unitId, lon, lat, recordedAt: at };
  if (speedText !== undefined) {
    const speed = number(speedText, 'speedKmh', 0, 400);
    if (typeof speed !== 'number') return speed;
    position.speedKmh = speed;
  }
  if (headingText !== undefined) {
    const heading = number(headingText, 'heading', 0, 360, true);
    if (typeof heading !== 'number') return heading;
    position.heading = heading;
  }
  return { kind: 'pos', position };
}

function parseStatus(args: string[]): DeviceCommand | ParseFailure {
  if (args.length < 2) return invalid('Usage: STATUS <unitId> <status> [reason].');
  const [unitId, status, ...reasonWords] = args as [string, string, ...string[]];
  if (!UNIT_ID.test(unitId)) return invalid('unitId must be 1 to 64 characters without spaces.');
  if (!(UNIT_STATUSES as readonly string[]).includes(status)) {
    return invalid(`status must be one of: ${UNIT_STATUSES.join(', ')}; got "${status.slice(0, 32)}".`);
  }
  const reason = reasonWords.join(' ');
  if (reason.length > 500) return invalid('reason must be at most 500 characters.');
  return { kind: 'status', unitId, status: status as UnitStatus, ...(reason ? { reason } : {}) };
}

/** Parses one line (without its line break). Command words are case-insensitive; fields are space-separated. */
export function parseLine(line: string): DeviceCommand | ParseFailure {
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
    return invalid(`A line may hold at most ${MAX_LINE_BYTES} bytes.`, 'DEVICE_LINE_TOO_LONG');
  }
  const words = line.trim().split(/[ \t]+/);
  const [verb = '', ...args] = words;
  switch (verb.toUpperCase()) {
    case 'AUTH':
      if (args.length !== 1) return invalid('Usage: AUTH <access token>.', 'UNAUTHENTICATED');
      return { kind: 'auth', token: args[0]! };
    case 'POS':
      return parsePos(args);
    case 'STATUS':
      return parseStatus(args);
    case 'PING':
      if (args.length) return invalid('Usage: PING.');
      return { kind: 'ping' };
    default:
      return invalid(
        `Unknown command "${verb.slice(0, 16)}"; use AUTH, POS, STATUS or PING.`,
        'DEVICE_COMMAND_UNKNOWN',
      );
  }
}

/** `ERR <code> <message>`, on one line whatever the message holds. */
export function errLine(code: string, message: string): string {
  return `ERR ${code} ${message.replace(/[\r\n]+/g, ' ')}`;
}
