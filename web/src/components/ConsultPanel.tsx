// External consultation (S6): ask a supplier, an expert or any address from the ticket; see
// each consultation's state; answer for them (a phone call) or cancel.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, get } from "../api";
import { fmtDateTime, t } from "../i18n";
import { errorText } from "../logic/errors";
import { userName } from "../logic/labels";
import { say } from "../state";
import type { Directory, Ticket } from "../types";
import { FilePicker } from "./FilePicker";
import { DraftBar } from "./composer/DraftBar";
import { onComposerKeyDown } from "./composer/keys";
import { useDraft } from "./composer/useDraft";

type Heading = "h2" | "h3";
type Run = (work: () => Promise<unknown>, done: string) => Promise<boolean>;

export interface Consultation {
  id: string; status: "open" | "answered" | "unanswered" | "cancelled"; to: string; to_name: string;
  asked_by: string; asked_at: string; remind_after_hours: number; reminders: number;
  reminders_sent: number; deadline: string | null; working_hours: boolean; ended_at: string | null;
}
interface Party { id: string; name: string; email: string }

async function readFiles(files: FileList | null) {
  const out = [];
  for (const file of Array.from(files ?? [])) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out.push({ filename: file.name, content_type: file.type || "application/octet-stream", content_base64: btoa(binary) });
  }
  return out;
}

export function consultationState(c: Consultation): string {
  return t(`consult.status.${c.status}` as "consult.status.open");
}

export function ConsultPanel({ ticket, locked, run, dir, heading: H = "h3" }: {
  ticket: Ticket; locked: boolean; run: Run; dir: Directory; heading?: Heading;
}) {
  const [items, setItems] = useState<Consultation[]>([]);
  const [parties, setParties] = useState<Party[]>([]);
  const draft = useDraft(ticket.id, "consult"); // the question, kept per user and ticket (issue 15)
  const { text, setText } = draft;
  const [open, setOpen] = useState(Boolean(draft.text)); // a kept question opens its form
  const [party, setParty] = useState("");
  const [to, setTo] = useState("");
  const [hours, setHours] = useState("24");
  const [reminders, setReminders] = useState("1");
  const [answering, setAnswering] = useState<string | null>(null);
  const [answer, setAnswer] = useState("");
  const files = useRef<HTMLInputElement>(null);
  const base = `/api/tickets/${encodeURIComponent(ticket.id)}/consultations`;

  async function load() {
    try {
      setItems((await get<{ items: Consultation[] }>(base)).items);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  useEffect(() => void load(), [ticket.id, ticket.version]);
  useEffect(() => {
    if (open && !parties.length) get<{ items: Party[] }>("/api/external-parties").then((p) => setParties(p.items)).catch(() => setParties([]));
  }, [open]);

  const headingId = `consult-${ticket.id}`;
  const canAsk = !locked && ticket.status !== "closed" && ticket.status !== "resolved";

  async function ask(event: Event) {
    event.preventDefault();
    const body: Record<string, unknown> = {
      text, remind_after_hours: Number(hours), reminders: Number(reminders),
      attachments: await readFiles(files.current?.files ?? null),
    };
    if (party) body.party_id = party;
    else body.to = to.trim();
    const ok = await run(() => api("POST", base, body), t("consult.sent"));
    if (ok) {
      draft.clear(); setTo(""); setParty(""); setOpen(false);
      if (files.current) files.current.value = "";
    }
  }
  async function answerFor(event: Event, c: Consultation) {
    event.preventDefault();
    const ok = await run(() => api("POST", `${base}/${c.id}/answer`, { text: answer }), t("consult.answered"));
    if (ok) { setAnswer(""); setAnswering(null); }
  }
  async function cancel(c: Consultation) {
    if (!window.confirm(t("consult.cancelConfirm", { to: c.to }))) return;
    await run(() => api("POST", `${base}/${c.id}/cancel`, {}), t("consult.cancelled"));
  }

  return (
    <section class="consult-box" aria-labelledby={headingId} data-testid="consult-panel">
      <H id={headingId} class="section-title">{t("consult.title")}</H>
      {items.length ? (
        <ul class="consult-list" data-testid="consult-list">
          {items.map((c) => (
            <li key={c.id} data-consultation={c.status}>
              <span dir="auto">{c.to_name ? `${c.to_name} <${c.to}>` : c.to}</span>{" "}
              <span class={`badge consult-${c.status}`}>{consultationState(c)}</span>
              <br />
              <span class="muted small">
                {t("consult.askedBy", { who: userName(dir, c.asked_by), at: fmtDateTime(c.asked_at) })}
                {c.deadline && <> · {t(c.reminders_sent < c.reminders ? "consult.nextReminder" : "consult.handBackAt", { at: fmtDateTime(c.deadline) })}</>}
                {" · "}{t("consult.remindersSent", { sent: c.reminders_sent, total: c.reminders })}
                {c.working_hours && <> · {t("consult.workingHours")}</>}
              </span>
              {c.status === "open" && !locked && (
                <div class="row">
                  <button type="button" class="link" aria-expanded={answering === c.id}
                    aria-label={t("consult.answerForLabel", { to: c.to })}
                    onClick={() => { setAnswering(answering === c.id ? null : c.id); setAnswer(""); }}>
                    {t("consult.answerFor")}
                  </button>
                  <button type="button" class="link" aria-label={t("consult.cancelLabel", { to: c.to })} onClick={() => cancel(c)}>
                    {t("consult.cancel")}
                  </button>
                </div>
              )}
              {answering === c.id && (
                <form class="consult-answer" onSubmit={(e) => answerFor(e, c)}>
                  <label>{t("consult.answerText")}
                    <textarea rows={3} required value={answer} dir="auto" data-testid="consult-answer-text"
                      onInput={(e) => setAnswer(e.currentTarget.value)} />
                  </label>
                  <button type="submit" class="primary">{t("consult.saveAnswer")}</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      ) : <p class="muted">{t("consult.none")}</p>}
      {canAsk && !open && (
        <button type="button" data-testid="consult-open" onClick={() => setOpen(true)}>{t("consult.new")}</button>
      )}
      {canAsk && open && (
        <form class="consult-form" onSubmit={ask} onKeyDown={onComposerKeyDown} data-testid="consult-form">
          <fieldset>
            <legend>{t("consult.new")}</legend>
            {parties.length > 0 && (
              <label>{t("consult.party")}
                <select value={party} data-testid="consult-party" onChange={(e) => setParty(e.currentTarget.value)}>
                  <option value="">{t("consult.partyOther")}</option>
                  {parties.map((p) => <option key={p.id} value={p.id}>{`${p.name} <${p.email}>`}</option>)}
                </select>
              </label>
            )}
            {!party && (
              <label>{t("consult.to")}
                <input type="email" required value={to} data-testid="consult-to" onInput={(e) => setTo(e.currentTarget.value)} />
              </label>
            )}
            <DraftBar draft={draft} testid="consult" />
            <label>{t("consult.question")}
              <textarea rows={4} required value={text} dir="auto" data-testid="consult-text" onInput={(e) => setText(e.currentTarget.value)} />
            </label>
            <FilePicker label={t("consult.attachments")} multiple inputRef={files} />
            <div class="row">
              <label>{t("consult.remindAfter")}
                <input type="number" min="0.01" max="720" step="0.01" required value={hours} data-testid="consult-hours"
                  onInput={(e) => setHours(e.currentTarget.value)} />
              </label>
              <label>{t("consult.reminders")}
                <input type="number" min="0" max="5" step="1" required value={reminders} data-testid="consult-reminders"
                  onInput={(e) => setReminders(e.currentTarget.value)} />
              </label>
            </div>
            <p class="muted small">{t("consult.hoursHint")}</p>
            <div class="row">
              <button type="submit" class="primary" data-testid="consult-send">{t("consult.send")}</button>
              <button type="button" onClick={() => setOpen(false)}>{t("common.cancel")}</button>
            </div>
          </fieldset>
        </form>
      )}
    </section>
  );
}
