/**
 * The SMS sent to the caller when a call is taken: the query code and where to follow progress. Kept short (a
 * single 70-character segment where the address allows) and free of anything but the code and the time.
 */
export const SMS_SIGNATURE = '【110】';

/** The caller's SMS text for query code `code`, received at `receivedAt`, with progress at `publicUrl`. */
export function progressSmsText(code: string, receivedAt: Date, publicUrl: string): string {
  // Beijing time, hh:mm, whatever the server's zone.
  const t = new Date(receivedAt.getTime() + 8 * 3_600_000);
  const hhmm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
  const base = publicUrl.replace(/\/+$/, '');
  return `${SMS_SIGNATURE}您${hhmm}的报警已受理，查询码${code}，进度查询：${base}/#/progress/${code}`;
}
