/** Unit rows → API payloads and realtime events. */
import type { UnitDto } from './dispatch.schemas.ts';
import type { UnitRow } from './unit.repository.ts';
import type { UnitStatus } from './unit.status.ts';

/** Seconds after which a unit's latest fix counts as stale, unless the caller says otherwise. */
export const DEFAULT_STALE_AFTER_SEC = 120;

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** The API view of a unit; `stale` compares the latest fix with `now`. */
export function presentUnit(row: UnitRow, now: Date, staleAfterSec = DEFAULT_STALE_AFTER_SEC): UnitDto {
  const recordedAt = iso(row.pos_recorded_at);
  return {
    id: row.id,
    callSign: row.call_sign,
    unitType: row.type,
    status: row.status as UnitStatus,
    stationId: row.jurisdiction_id,
    home: { lon: row.home_lon, lat: row.home_lat },
    position:
      recordedAt === null || row.pos_lon === null || row.pos_lat === null
        ? null
        : {
            lon: row.pos_lon,
            lat: row.pos_lat,
            recordedAt,
            stale: now.getTime() - Date.parse(recordedAt) > staleAfterSec * 1000,
          },
    shiftStartedAt: iso(row.shift_started_at),
  };
}

/** The `unit.status` / `unit.position` event payload the web console draws. */
export function unitEvent(u: { id: string; callSign: string; status: string; lon: number; lat: number }) {
  return { id: u.id, callSign: u.callSign, status: u.status, lon: u.lon, lat: u.lat };
}
