import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { directory, loadDirectory, say } from "../state";
import { useStore } from "../store";
import type { CalendarItem } from "./Calendars";
import { SlaPausingInput } from "./SlaPausing";
import { type SlaTargets, SlaTargetsInput } from "./SlaTargets";

interface Settings {
  lock_minutes: number; default_response_point_id: string; hidden_fields: string[]; time_zone: string;
  sla: SlaTargets; calendar_id: string; // general SLA targets (S16) and their calendar ("" = elapsed time)
  sla_pausing: string[]; // the statuses that stop the SLA clock (S12)
  admins_require_mfa: boolean; // an admin without TOTP sets it up at login (issue 11)
  sms_monthly_spend_cap: number; sms_price_per_part: number; // agents' texts stop at the cap (issue 13)
}

// The browser's list of IANA zones; the server checks the choice against its own (tzdata).
const ZONES: string[] = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];

// Fields an organisation may hide (S10: "admins can hide fields that their organisation does not use").
const HIDEABLE: { field: string; label: Key }[] = [
  { field: "ticket_type", label: "field.type" }, { field: "itil_process", label: "field.itil" },
  { field: "parent_id", label: "field.parent" }, { field: "cc", label: "field.cc" }, { field: "bcc", label: "field.bcc" },
  { field: "description", label: "field.description" }, { field: "custom_fields", label: "admin.customFields" },
];

export function SettingsScreen() {
  const dir = useStore(directory);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [calendars, setCalendars] = useState<CalendarItem[]>([]);
  useEffect(() => void get<Settings>("/api/admin/settings").then(setSettings).catch((e) => say(errorText(e), "error")), []);
  useEffect(() => void get<{ items: CalendarItem[] }>("/api/admin/calendars").then((r) => setCalendars(r.items)).catch(() => undefined), []);
  if (!settings) return <p>{t("common.loading")}</p>;

  async function save(event: Event) {
    event.preventDefault();
    try {
      setSettings(await api<Settings>("PUT", "/api/admin/settings", settings));
      await loadDirectory();
      say(t("admin.saved"));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  const s = settings;
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.settings")}</h1>
      <form class="card form-grid" onSubmit={save}>
        <label>{t("admin.lockMinutes")}<input type="number" min="1" max="1440" value={s.lock_minutes}
          onInput={(e) => setSettings({ ...s, lock_minutes: Number(e.currentTarget.value) })} /></label>
        <label>{t("admin.defaultRp")}
          <select value={s.default_response_point_id} onChange={(e) => setSettings({ ...s, default_response_point_id: e.currentTarget.value })}>
            <option value="">–</option>
            {dir?.response_points.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>{t("admin.timeZone")}
          <select name="time-zone" value={s.time_zone} onChange={(e) => setSettings({ ...s, time_zone: e.currentTarget.value })}>
            {(ZONES.includes(s.time_zone) ? ZONES : [s.time_zone, ...ZONES]).map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </label>
        <label class="check wide">
          <input type="checkbox" name="admins-require-mfa" checked={s.admins_require_mfa}
            onChange={(e) => setSettings({ ...s, admins_require_mfa: e.currentTarget.checked })} />
          {t("admin.adminsRequireMfa")}
        </label>
        <label>{t("admin.smsSpendCap")}<input type="number" name="sms-spend-cap" min="0" step="0.01" value={s.sms_monthly_spend_cap}
          onInput={(e) => setSettings({ ...s, sms_monthly_spend_cap: Number(e.currentTarget.value) })} /></label>
        <label>{t("admin.smsPricePerPart")}<input type="number" name="sms-price" min="0" step="0.0001" value={s.sms_price_per_part}
          onInput={(e) => setSettings({ ...s, sms_price_per_part: Number(e.currentTarget.value) })} /></label>
        <fieldset class="wide">
          <legend>{t("admin.hiddenFields")}</legend>
          {HIDEABLE.map(({ field, label }) => (
            <label class="check" key={field}>
              <input type="checkbox" checked={s.hidden_fields.includes(field)}
                onChange={(e) => setSettings({ ...s, hidden_fields: e.currentTarget.checked ? [...s.hidden_fields, field] : s.hidden_fields.filter((f) => f !== field) })} />
              {t(label)}
            </label>
          ))}
        </fieldset>
        {dir && <SlaTargetsInput value={s.sla} priorities={dir.priorities} name="settings-sla" legend={t("admin.generalSla")}
          onChange={(sla) => setSettings({ ...s, sla })} />}
        <label>{t("admin.slaCalendar")}
          <select name="settings-calendar" value={s.calendar_id} onChange={(e) => setSettings({ ...s, calendar_id: e.currentTarget.value })}>
            <option value="">{t("tpl.noCalendar")}</option>
            {s.calendar_id && !calendars.some((c) => c.id === s.calendar_id) && <option value={s.calendar_id}>{s.calendar_id}</option>}
            {calendars.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <p class="muted wide">{t("admin.generalSlaAbout")}</p>
        <SlaPausingInput value={s.sla_pausing} name="settings-sla-pausing" onChange={(v) => setSettings({ ...s, sla_pausing: v ?? [] })} />
        <div class="wide"><button type="submit" class="primary">{t("common.save")}</button></div>
      </form>
    </section>
  );
}
