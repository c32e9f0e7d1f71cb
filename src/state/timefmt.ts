// Event-time strings as sysdig prints them, in the local time zone (tests run with TZ=UTC).
// The date part is cached per second: consecutive events mostly share it.

let cacheSec = -1n;
let cacheTime = '';
let cacheDate = '';
let cacheIsoDate = '';

function fill(sec: bigint): void {
  if (sec === cacheSec) return;
  cacheSec = sec;
  const d = new Date(Number(sec) * 1000);
  const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));
  cacheTime = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  cacheDate = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
  cacheIsoDate = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

function ns9(ns: bigint): string {
  const s = String(ns % 1000000000n);
  return s.length === 9 ? s : '000000000'.slice(s.length) + s;
}

/** "HH:MM:SS.nnnnnnnnn" (or without the fraction). */
export function timeOfDay(ts: bigint, withNs: boolean): string {
  fill(ts / 1000000000n);
  return withNs ? cacheTime + '.' + ns9(ts) : cacheTime;
}

/** "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" */
export function dateTime(ts: bigint, withNs: boolean): string {
  fill(ts / 1000000000n);
  return cacheDate + ' ' + (withNs ? cacheTime + '.' + ns9(ts) : cacheTime);
}

/** "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (UTC). */
export function iso8601(ts: bigint): string {
  fill(ts / 1000000000n);
  return cacheIsoDate + '.' + ns9(ts) + 'Z';
}
