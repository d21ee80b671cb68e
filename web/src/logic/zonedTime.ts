// A wall-clock time typed into <input type="datetime-local"> means that time in the
// organisation's zone (Settings.time_zone), not in the browser's: "dormant until 08:00" is
// 08:00 at the helpdesk, wherever the agent sits.

function offsetMinutes(utcMillis: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(utcMillis));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(utcMillis / 1000) * 1000) / 60000);
}

/** "2026-12-24T08:00" in ``timeZone`` as an ISO instant (UTC); null if not a date-time.
 * A time that a DST change skips (02:30 on the spring-forward night) moves forward by the
 * gap, as clocks do; a time that occurs twice takes the first. */
export function zonedLocalToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s || 0);
  if (Number.isNaN(wall)) return null;
  // The zone's offsets a day either side; a wall time reads back from at most two instants.
  const before = offsetMinutes(wall - 86400000, timeZone);
  const after = offsetMinutes(wall + 86400000, timeZone);
  const fits = [before, after]
    .map((offset) => wall - offset * 60000)
    .filter((instant) => instant + offsetMinutes(instant, timeZone) * 60000 === wall);
  // None fits: the time falls in a spring-forward gap; the offset before it moves it on.
  const chosen = fits.length ? Math.min(...fits) : wall - before * 60000;
  return new Date(chosen).toISOString();
}

/** An ISO instant as the datetime-local value showing it in ``timeZone``. */
export function isoToZonedLocal(iso: string, timeZone: string): string {
  const millis = new Date(iso).getTime();
  const wall = new Date(millis + offsetMinutes(millis, timeZone) * 60000);
  return wall.toISOString().slice(0, 16);
}
