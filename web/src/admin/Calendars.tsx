// Admin → Calendars (S12): opening hours per weekday, time zone, public holidays and
// closed dates, which templates name. The API checks everything; its reason is shown.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { type Key, language, t } from "../i18n";
import { errorText } from "../logic/errors";
import { say } from "../state";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export interface DayHours { closed: boolean; start?: string; end?: string }
export interface CalendarItem {
  id: string;
  name: string;
  time_zone: string;
  hours: Record<Weekday, DayHours>;
  holiday_country: string;
  holiday_subdivision: string;
  closed_dates: string[];
}
export interface CalendarChoices { time_zones: string[]; holiday_countries: { code: string; subdivisions: string[] }[] }
export interface CalendarList extends CalendarChoices { items: CalendarItem[] }

const OFFICE: DayHours = { closed: false, start: "08:00", end: "17:00" };

export function blankCalendar(): CalendarItem {
  const hours = Object.fromEntries(WEEKDAYS.map((d, n) => [d, n < 5 ? { ...OFFICE } : { closed: true }])) as Record<Weekday, DayHours>;
  return { id: "", name: "", time_zone: "Europe/Stockholm", hours, holiday_country: "", holiday_subdivision: "", closed_dates: [] };
}

/** The API ends a day at "24:00"; a time input cannot show that, so the form says "00:00". */
export const endForForm = (end: string | undefined): string => (end === "24:00" ? "00:00" : end ?? "");
export const endForApi = (end: string): string => (end === "00:00" ? "24:00" : end);

const dayName = (d: Weekday): string => t(`cal.day.${d}` as Key);
const capital = (s: string): string => s.charAt(0).toLocaleUpperCase(language.get()) + s.slice(1);

const regionNames = new Map<string, Intl.DisplayNames>();
function countryName(code: string): string {
  const lang = language.get();
  try {
    if (!regionNames.has(lang)) regionNames.set(lang, new Intl.DisplayNames([lang], { type: "region" }));
    const name = regionNames.get(lang)?.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** "måndag 08:00–17:00, tisdag …" for the list. */
export function openSummary(calendar: CalendarItem): string {
  const open = WEEKDAYS.filter((d) => !calendar.hours[d]?.closed);
  if (!open.length) return t("cal.alwaysClosed");
  return open.map((d) => t("cal.openLine", { day: dayName(d), start: calendar.hours[d].start ?? "", end: calendar.hours[d].end ?? "" })).join(", ");
}

/** An API refusal in words: what was wrong, as the API says it. */
function refusal(e: unknown): string {
  if (e instanceof ApiError && e.code === "invalid") return `${t("cal.refused")}: ${e.message}`;
  return errorText(e);
}

function CalendarForm({ initial, creating, choices, onDone }: { initial: CalendarItem; creating: boolean; choices: CalendarChoices; onDone: () => void }) {
  const [cal, setCal] = useState<CalendarItem>(() => ({
    ...initial,
    hours: Object.fromEntries(WEEKDAYS.map((d) => {
      const h = initial.hours[d] ?? { closed: true };
      return [d, h.closed ? { closed: true } : { closed: false, start: h.start, end: endForForm(h.end) }];
    })) as Record<Weekday, DayHours>,
  }));
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof CalendarItem>(k: K, v: CalendarItem[K]) => setCal((before) => ({ ...before, [k]: v }));
  const setDay = (d: Weekday, change: Partial<DayHours>) => setCal((before) => ({ ...before, hours: { ...before.hours, [d]: { ...before.hours[d], ...change } } }));
  const country = choices.holiday_countries.find((c) => c.code === cal.holiday_country);

  async function save(event: Event) {
    event.preventDefault();
    const hours = Object.fromEntries(WEEKDAYS.map((d) => {
      const h = cal.hours[d];
      return [d, h.closed ? { closed: true } : { closed: false, start: h.start ?? "", end: endForApi(h.end ?? "") }];
    }));
    const body = { ...cal, hours, closed_dates: cal.closed_dates.filter(Boolean) };
    try {
      if (creating) await api("POST", "/api/admin/calendars", body);
      else await api("PUT", `/api/admin/calendars/${encodeURIComponent(cal.id)}`, body);
      say(t("admin.saved"));
      onDone();
    } catch (e) {
      setProblem(refusal(e));
    }
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-label={creating ? t("cal.new") : t("cal.editTitle", { name: initial.name })} data-testid="calendar-form">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="calendar-error">{problem}</p>}
      <label>{t("admin.id")}<input name="cal-id" required readOnly={!creating} value={cal.id} onInput={(e) => set("id", e.currentTarget.value)} /></label>
      <label>{t("admin.name")}<input name="cal-name" required value={cal.name} onInput={(e) => set("name", e.currentTarget.value)} /></label>
      <label>{t("cal.timeZone")}
        <select name="cal-tz" value={cal.time_zone} onChange={(e) => set("time_zone", e.currentTarget.value)}>
          {!choices.time_zones.includes(cal.time_zone) && <option value={cal.time_zone}>{cal.time_zone}</option>}
          {choices.time_zones.map((z) => <option key={z} value={z}>{z}</option>)}
        </select>
      </label>
      <fieldset class="wide" data-testid="cal-hours">
        <legend>{t("cal.hours")}</legend>
        <table class="hours">
          <caption class="visually-hidden">{t("cal.hours")}</caption>
          <thead><tr><th scope="col">{t("cal.day")}</th><th scope="col">{t("cal.closed")}</th><th scope="col">{t("cal.start")}</th><th scope="col">{t("cal.end")}</th></tr></thead>
          <tbody>
            {WEEKDAYS.map((d) => {
              const h = cal.hours[d];
              return (
                <tr key={d} data-day={d}>
                  <th scope="row">{capital(dayName(d))}</th>
                  <td><input type="checkbox" name={`cal-closed-${d}`} checked={h.closed} aria-label={t("cal.closedFor", { day: dayName(d) })}
                    onChange={(e) => setDay(d, e.currentTarget.checked ? { closed: true } : { closed: false, start: h.start || OFFICE.start, end: h.end || OFFICE.end })} /></td>
                  <td><input type="time" name={`cal-start-${d}`} value={h.closed ? "" : h.start ?? ""} disabled={h.closed} required={!h.closed}
                    aria-label={t("cal.startFor", { day: dayName(d) })} onInput={(e) => setDay(d, { start: e.currentTarget.value })} /></td>
                  <td><input type="time" name={`cal-end-${d}`} value={h.closed ? "" : h.end ?? ""} disabled={h.closed} required={!h.closed}
                    aria-label={t("cal.endFor", { day: dayName(d) })} onInput={(e) => setDay(d, { end: e.currentTarget.value })} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p class="muted">{t("cal.midnightHint")}</p>
      </fieldset>
      <label>{t("cal.holidayCountry")}
        <select name="cal-country" value={cal.holiday_country} onChange={(e) => setCal({ ...cal, holiday_country: e.currentTarget.value, holiday_subdivision: "" })}>
          <option value="">{t("cal.noHolidays")}</option>
          {choices.holiday_countries.map((c) => <option key={c.code} value={c.code}>{countryName(c.code)}</option>)}
        </select>
      </label>
      {country && country.subdivisions.length > 0 && (
        <label>{t("cal.subdivision")}
          <select name="cal-subdivision" value={cal.holiday_subdivision} onChange={(e) => set("holiday_subdivision", e.currentTarget.value)}>
            <option value="">{t("cal.wholeCountry")}</option>
            {country.subdivisions.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      )}
      <fieldset class="wide" data-testid="cal-dates">
        <legend>{t("cal.closedDates")}</legend>
        <ol>
          {cal.closed_dates.map((day, n) => (
            <li key={n} class="row">
              <label>{t("cal.closedDate", { n: n + 1 })}
                <input type="date" name={`cal-date-${n}`} value={day} onInput={(e) => set("closed_dates", cal.closed_dates.map((x, i) => (i === n ? e.currentTarget.value : x)))} />
              </label>
              <button type="button" class="link" onClick={() => set("closed_dates", cal.closed_dates.filter((_, i) => i !== n))}>{t("cal.removeDate", { n: n + 1 })}</button>
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => set("closed_dates", [...cal.closed_dates, ""])}>{t("cal.addDate")}</button>
      </fieldset>
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

export function CalendarsScreen() {
  const [list, setList] = useState<CalendarList | null>(null);
  // n: a new form each time one is opened, even for the same calendar.
  const [open, setOpen] = useState<{ item: CalendarItem; creating: boolean; n: number } | null>(null);
  const show = (item: CalendarItem, creating: boolean) => setOpen((before) => ({ item, creating, n: (before?.n ?? 0) + 1 }));
  const load = () => get<CalendarList>("/api/admin/calendars").then(setList).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), []);

  async function remove(item: CalendarItem) {
    if (!confirm(t("admin.confirmDelete", { id: item.id }))) return;
    try {
      await api("DELETE", `/api/admin/calendars/${encodeURIComponent(item.id)}`);
      say(t("admin.deleted"));
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.code === "in_use") {
        const shown = await get<{ used_by: string[]; used_by_settings?: boolean }>(`/api/admin/calendars/${encodeURIComponent(item.id)}`).catch(() => null);
        const text = !shown ? errorText(e)
          : shown.used_by_settings && shown.used_by.length === 0 ? t("cal.inUseSettings")
          : t("cal.inUse", { templates: [...(shown.used_by_settings ? [t("cal.theSettings")] : []), ...shown.used_by].join(", ") });
        say(text, "error");
      } else say(errorText(e), "error");
    }
  }
  const done = () => { setOpen(null); void load(); };
  const items = list?.items ?? [];
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.calendars")}</h1>
        <button type="button" class="primary" onClick={() => show(blankCalendar(), true)}>{t("admin.add")}</button>
      </div>
      <p class="muted">{t("cal.about")}</p>
      {open && list && <CalendarForm key={open.n} initial={open.item} creating={open.creating} choices={list} onDone={done} />}
      <table class="tickets" data-testid="calendar-list">
        <caption class="visually-hidden">{t("admin.calendars")}</caption>
        <thead><tr>
          <th scope="col">{t("admin.id")}</th><th scope="col">{t("admin.name")}</th><th scope="col">{t("cal.timeZone")}</th>
          <th scope="col">{t("cal.openDays")}</th><th scope="col">{t("cal.holidayCountry")}</th>
          <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-calendar={item.id}>
              <td>{item.id}</td><td dir="auto">{item.name}</td><td>{item.time_zone}</td>
              <td>{openSummary(item)}</td>
              <td>{item.holiday_country ? countryName(item.holiday_country) + (item.holiday_subdivision ? ` ${item.holiday_subdivision}` : "") : t("cal.noHolidays")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => show(item, false)} aria-label={t("admin.editItem", { id: item.id })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => remove(item)} aria-label={t("admin.deleteItem", { id: item.id })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && !items.length && <p class="muted">{t("cal.none")}</p>}
    </section>
  );
}
