// Admin → Scheduled activities (S1): a ticket from a template on a schedule. The API checks
// everything (422 with the reason, shown); the form shows the next occurrences it computes.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { type Key, language, t } from "../i18n";
import { errorText } from "../logic/errors";
import { blankRepeat, DAY_NAMES, type DayName, fromCron, inZone, type Repeat, type RepeatForm, toCron } from "../logic/schedule";
import { directory, say } from "../state";
import { useStore } from "../store";

export interface ScheduleItem {
  id: string;
  name: string;
  template_id: string;
  title: string;
  response_point_id: string;
  group_id: string;
  agent_id: string;
  cron: string;
  time_zone: string;
  calendar_id: string;
  closed_days: "skip" | "next_open";
  starts: string;
  ends: string;
  enabled: boolean;
  next?: string | null;
}
interface Occurrences { time_zone: string; items: { at: string; scheduled: string; moved: boolean }[] }
interface Choices { templates: { id: string; title: string }[]; calendars: { id: string; name: string }[]; time_zones: string[] }

const LOCALES = { sv: "sv-SE", en: "en-GB" } as const;
const REPEATS: Repeat[] = ["daily", "weekly", "monthly", "cron"];
const DAY_KEYS: Record<DayName, Key> = {
  MON: "cal.day.mon", TUE: "cal.day.tue", WED: "cal.day.wed", THU: "cal.day.thu", FRI: "cal.day.fri", SAT: "cal.day.sat", SUN: "cal.day.sun",
};
const when = (iso: string, zone: string): string => inZone(iso, zone, LOCALES[language.get()]);

function blank(zone: string): ScheduleItem {
  return {
    id: "", name: "", template_id: "", title: "", response_point_id: "", group_id: "", agent_id: "", cron: blankRepeat().cron,
    time_zone: zone, calendar_id: "", closed_days: "skip", starts: "", ends: "", enabled: true,
  };
}

function refusal(e: unknown): string {
  if (e instanceof ApiError && e.code === "invalid") return `${t("sched.refused")}: ${e.message}`;
  return errorText(e);
}

function NextOccurrences({ id }: { id: string }) {
  const [shown, setShown] = useState<Occurrences | null>(null);
  useEffect(() => {
    get<Occurrences>(`/api/admin/schedules/${encodeURIComponent(id)}/occurrences?count=5`).then(setShown).catch(() => setShown(null));
  }, [id]);
  if (!shown) return null;
  return (
    <section class="wide" aria-labelledby="sched-next-title" data-testid="schedule-occurrences">
      <h2 id="sched-next-title">{t("sched.nextOccurrences")}</h2>
      {shown.items.length === 0 ? <p class="muted">{t("sched.noNext")}</p> : (
        <ol>
          {shown.items.map((o) => (
            <li key={o.scheduled}>{when(o.at, shown.time_zone)}{o.moved && ` (${t("sched.movedFrom", { date: when(o.scheduled, shown.time_zone) })})`}</li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ScheduleForm({ initial, creating, choices, onDone }: { initial: ScheduleItem; creating: boolean; choices: Choices; onDone: () => void }) {
  const dir = useStore(directory);
  const [item, setItem] = useState<ScheduleItem>(initial);
  const [repeat, setRepeat] = useState<RepeatForm>(() => fromCron(initial.cron));
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof ScheduleItem>(k: K, v: ScheduleItem[K]) => setItem((before) => ({ ...before, [k]: v }));
  const setR = (change: Partial<RepeatForm>) => setRepeat((before) => ({ ...before, ...change }));
  const rp = item.response_point_id;
  const groups = (dir?.groups ?? []).filter((g) => !rp || g.response_point_id === rp);

  async function save(event: Event) {
    event.preventDefault();
    const { next: _next, ...rest } = item;
    const body = { ...rest, id: creating && !item.id ? undefined : item.id, cron: toCron(repeat) };
    try {
      if (creating) await api("POST", "/api/admin/schedules", body);
      else await api("PUT", `/api/admin/schedules/${encodeURIComponent(item.id)}`, body);
      say(t("admin.saved"));
      onDone();
    } catch (e) {
      setProblem(refusal(e));
    }
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-label={creating ? t("sched.new") : t("sched.editTitle", { name: initial.name })} data-testid="schedule-form">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="schedule-error">{problem}</p>}
      <label>{t("admin.name")}<input name="sched-name" required value={item.name} onInput={(e) => set("name", e.currentTarget.value)} /></label>
      <label>{t("sched.template")}
        <select name="sched-template" required value={item.template_id} onChange={(e) => set("template_id", e.currentTarget.value)}>
          <option value="">–</option>
          {choices.templates.map((tpl) => <option key={tpl.id} value={tpl.id}>{tpl.title}</option>)}
        </select>
      </label>
      <label class="wide">{t("sched.title")}<input name="sched-title" required value={item.title} onInput={(e) => set("title", e.currentTarget.value)} /></label>
      <p class="wide muted">{t("sched.titleHint")}</p>
      <label>{t("sched.responsePoint")}
        <select name="sched-rp" value={item.response_point_id} onChange={(e) => setItem({ ...item, response_point_id: e.currentTarget.value, group_id: "" })}>
          <option value="">{t("sched.fromTemplate")}</option>
          {(dir?.response_points ?? []).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
      </label>
      <label>{t("sched.group")}
        <select name="sched-group" value={item.group_id} onChange={(e) => set("group_id", e.currentTarget.value)}>
          <option value="">{t("sched.fromTemplate")}</option>
          {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </label>
      <label>{t("sched.agent")}
        <select name="sched-agent" value={item.agent_id} onChange={(e) => set("agent_id", e.currentTarget.value)}>
          <option value="">{t("sched.noAgent")}</option>
          {(dir?.users ?? []).filter((u) => u.active).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      <fieldset class="wide" data-testid="sched-repeat">
        <legend>{t("sched.repeat")}</legend>
        <div class="row">
          {REPEATS.map((r) => (
            <label class="check" key={r}>
              <input type="radio" name="sched-repeat" value={r} checked={repeat.repeat === r}
                onChange={() => setR(r === "cron" ? { repeat: r, cron: toCron(repeat) } : { repeat: r })} />
              {t(`sched.repeat.${r}` as Key)}
            </label>
          ))}
        </div>
        {repeat.repeat !== "cron" && (
          <label>{t("sched.time")}<input type="time" name="sched-time" required value={repeat.time} onInput={(e) => setR({ time: e.currentTarget.value })} /></label>
        )}
        {repeat.repeat === "weekly" && (
          <fieldset>
            <legend>{t("sched.days")}</legend>
            {DAY_NAMES.map((d) => (
              <label class="check" key={d}>
                <input type="checkbox" name="sched-day" value={d} checked={repeat.days.includes(d)}
                  onChange={(e) => setR({ days: e.currentTarget.checked ? [...repeat.days, d] : repeat.days.filter((x) => x !== d) })} />
                {t(DAY_KEYS[d])}
              </label>
            ))}
          </fieldset>
        )}
        {repeat.repeat === "monthly" && (
          <label>{t("sched.monthDay")}
            <select name="sched-month-day" value={repeat.monthDay} onChange={(e) => setR({ monthDay: e.currentTarget.value })}>
              {Array.from({ length: 31 }, (_, n) => String(n + 1)).map((d) => <option key={d} value={d}>{d}</option>)}
              <option value="L">{t("sched.lastDay")}</option>
            </select>
          </label>
        )}
        {repeat.repeat === "cron" && (
          <label class="wide">{t("sched.cron")}<input name="sched-cron" required value={repeat.cron} onInput={(e) => setR({ cron: e.currentTarget.value })} /></label>
        )}
        {repeat.repeat === "cron" && <p class="muted">{t("sched.cronHint")}</p>}
      </fieldset>
      <label>{t("cal.timeZone")}
        <select name="sched-tz" value={item.time_zone} onChange={(e) => set("time_zone", e.currentTarget.value)}>
          {!choices.time_zones.includes(item.time_zone) && <option value={item.time_zone}>{item.time_zone}</option>}
          {choices.time_zones.map((z) => <option key={z} value={z}>{z}</option>)}
        </select>
      </label>
      <label>{t("sched.calendar")}
        <select name="sched-calendar" value={item.calendar_id} onChange={(e) => set("calendar_id", e.currentTarget.value)}>
          <option value="">{t("sched.noCalendar")}</option>
          {choices.calendars.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      {item.calendar_id && (
        <label>{t("sched.closedDays")}
          <select name="sched-closed-days" value={item.closed_days} onChange={(e) => set("closed_days", e.currentTarget.value as ScheduleItem["closed_days"])}>
            <option value="skip">{t("sched.skip")}</option>
            <option value="next_open">{t("sched.nextOpen")}</option>
          </select>
        </label>
      )}
      <label>{t("sched.starts")}<input type="date" name="sched-starts" value={item.starts} onInput={(e) => set("starts", e.currentTarget.value)} /></label>
      <label>{t("sched.ends")}<input type="date" name="sched-ends" value={item.ends} onInput={(e) => set("ends", e.currentTarget.value)} /></label>
      <label class="check"><input type="checkbox" name="sched-enabled" checked={item.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />{t("sched.enabled")}</label>
      {!creating && <NextOccurrences id={initial.id} />}
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

export function SchedulesScreen() {
  const dir = useStore(directory);
  const [items, setItems] = useState<ScheduleItem[] | null>(null);
  const [choices, setChoices] = useState<Choices | null>(null);
  const [open, setOpen] = useState<{ item: ScheduleItem; creating: boolean; n: number } | null>(null);
  const show = (item: ScheduleItem, creating: boolean) => setOpen((before) => ({ item, creating, n: (before?.n ?? 0) + 1 }));
  const load = () => get<{ items: ScheduleItem[] }>("/api/admin/schedules").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => {
    void load();
    Promise.all([
      get<{ items: { id: string; title: string; enabled: boolean }[] }>("/api/admin/templates"),
      get<{ items: { id: string; name: string }[]; time_zones: string[] }>("/api/admin/calendars"),
    ]).then(([tpl, cal]) => setChoices({
      templates: tpl.items.filter((x) => x.enabled !== false), calendars: cal.items, time_zones: cal.time_zones,
    })).catch((e) => say(errorText(e), "error"));
  }, []);

  async function remove(item: ScheduleItem) {
    if (!confirm(t("admin.confirmDelete", { id: item.name }))) return;
    try {
      await api("DELETE", `/api/admin/schedules/${encodeURIComponent(item.id)}`);
      say(t("admin.deleted"));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  const done = () => { setOpen(null); void load(); };
  const list = items ?? [];
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.schedules")}</h1>
        <button type="button" class="primary" onClick={() => show(blank(dir?.time_zone || "Europe/Stockholm"), true)}>{t("admin.add")}</button>
      </div>
      <p class="muted">{t("sched.about")}</p>
      {open && choices && <ScheduleForm key={open.n} initial={open.item} creating={open.creating} choices={choices} onDone={done} />}
      <table class="tickets" data-testid="schedule-list">
        <caption class="visually-hidden">{t("admin.schedules")}</caption>
        <thead><tr>
          <th scope="col">{t("admin.name")}</th><th scope="col">{t("sched.schedule")}</th><th scope="col">{t("cal.timeZone")}</th>
          <th scope="col">{t("sched.next")}</th><th scope="col">{t("sched.enabled")}</th>
          <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {list.map((item) => (
            <tr key={item.id} data-schedule={item.id}>
              <td dir="auto">{item.name}</td><td><code>{item.cron}</code></td><td>{item.time_zone}</td>
              <td>{item.next ? when(item.next, item.time_zone) : "–"}</td>
              <td>{item.enabled ? t("common.yes") : t("common.no")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => show(item, false)} aria-label={t("admin.editItem", { id: item.name })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => remove(item)} aria-label={t("admin.deleteItem", { id: item.name })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items && !list.length && <p class="muted">{t("sched.none")}</p>}
    </section>
  );
}
