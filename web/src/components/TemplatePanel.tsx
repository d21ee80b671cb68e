// The ticket's template at work (S2, S12): how it was routed and why, "apply template",
// the instruction as a checklist, and solution texts that go into the reply in one action.
import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { t } from "../i18n";
import { insertIntoReply } from "../logic/insert";
import { whyText, type Why } from "../admin/Rules";
import { directory } from "../state";
import { useStore } from "../store";
import type { Ticket } from "../types";

interface Guidance {
  template: { id: string; version: number; title: string } | null;
  instruction?: string;
  steps?: { step: number; text: string; done: boolean }[];
  solution_text?: string;
  solution_suggestions?: { title: string; text: string }[];
}
export interface Routing { rule_id: string | null; rule_name: string | null; why: Why[] | string; template_id: string | null; template_version: number | null; closed?: boolean }

export interface TemplateChoice { id: string; title: string; response_point_id: string }

/** The templates by response point, the ticket's own first, then the others by name: an agent
 * mostly wants their own response point's templates, but may move a ticket with another's. */
export function templateGroups(
  templates: TemplateChoice[], ticketRp: string, points: { id: string; name: string }[],
): { id: string; name: string; items: TemplateChoice[] }[] {
  const name = (id: string) => points.find((p) => p.id === id)?.name ?? id;
  const ids = [...new Set(templates.map((x) => x.response_point_id))];
  ids.sort((a, b) => (a === ticketRp ? -1 : b === ticketRp ? 1 : name(a).localeCompare(name(b))));
  return ids.map((id) => ({
    id, name: name(id),
    items: templates.filter((x) => x.response_point_id === id).sort((a, b) => a.title.localeCompare(b.title)),
  }));
}

type Run = (work: () => Promise<unknown>, done: string) => Promise<boolean>;

export function RoutingInfo({ routing, heading: H }: { routing: Routing | null | undefined; heading: "h2" | "h3" }) {
  if (!routing) return null;
  return (
    <section class="routing-box" aria-labelledby="routing-title" data-testid="routing-info">
      <H id="routing-title" class="section-title">{t("tp.routing")}</H>
      {routing.rule_id ? (
        <>
          <p data-testid="matched-rule">{t("tp.matchedRule", { name: routing.rule_name ?? routing.rule_id })}</p>
          {Array.isArray(routing.why) && <ul class="why">{routing.why.map((w, i) => <li key={i}>{whyText(w)}</li>)}</ul>}
          {routing.closed && <p>{t("rule.closedAtOnce")}</p>}
        </>
      ) : <p class="muted">{t("tp.noRule")}</p>}
    </section>
  );
}

/**
 * ``saveEdits`` stores what the agent has typed into the ticket's fields but not yet saved,
 * before the template is applied: without it, the reload after applying would throw those
 * edits away, and with overwrite off the template would fill fields the agent had filled.
 */
export function TemplatePanel({ ticket, locked, run, heading: H, saveEdits }: {
  ticket: Ticket; locked: boolean; run: Run; heading: "h2" | "h3"; saveEdits?: () => Promise<unknown>;
}) {
  const [guidance, setGuidance] = useState<Guidance | null>(null);
  const [templates, setTemplates] = useState<TemplateChoice[]>([]);
  const dir = useStore(directory);
  const [chosen, setChosen] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const loadGuidance = () =>
    get<Guidance>(`/api/tickets/${encodeURIComponent(ticket.id)}/guidance`).then(setGuidance).catch(() => setGuidance(null));
  useEffect(() => void loadGuidance(), [ticket.id, ticket.version]);
  useEffect(() => void get<{ items: TemplateChoice[] }>("/api/templates").then((r) => setTemplates(r.items)).catch(() => setTemplates([])), []);

  async function apply(event: Event) {
    event.preventDefault();
    if (!chosen) return;
    const work = async () => {
      await saveEdits?.();
      return api("POST", `/api/tickets/${encodeURIComponent(ticket.id)}/template`, { template_id: chosen, overwrite });
    };
    if (await run(work, t("tp.applied"))) {
      setOverwrite(false);
    }
  }
  // The box shows the click at once (a controlled box would spring back until the answer);
  // a refusal reads the checklist again.
  async function tick(step: number, done: boolean) {
    setGuidance((g) => g && { ...g, steps: g.steps?.map((x) => (x.step === step ? { ...x, done } : x)) });
    const ok = await run(() => api("POST", `/api/tickets/${encodeURIComponent(ticket.id)}/steps`, { step, done }), done ? t("tp.stepDone") : t("tp.stepUndone"));
    if (!ok) await loadGuidance();
  }
  const g = guidance;
  return (
    <section class="template-box" aria-labelledby={`tpl-${ticket.id}`} data-testid="template-panel">
      <H id={`tpl-${ticket.id}`} class="section-title">{t("tp.title")}</H>
      {g?.template ? (
        <p data-testid="ticket-template">{t("tp.current", { title: g.template.title, version: g.template.version })}</p>
      ) : <p class="muted">{t("tp.none")}</p>}
      {!locked && ticket.status !== "closed" && (
        <form class="apply-template" onSubmit={apply}>
          <label>{t("tp.choose")}
            <select name="apply-template" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
              <option value="">–</option>
              {templateGroups(templates, ticket.response_point_id, dir?.response_points ?? []).map((group) => (
                <optgroup key={group.id} label={group.name}>
                  {group.items.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
                </optgroup>
              ))}
            </select>
          </label>
          <div class="overwrite">
            <input type="checkbox" id={`overwrite-${ticket.id}`} name="apply-overwrite" checked={overwrite}
              aria-describedby={`overwrite-hint-${ticket.id}`} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
            <label for={`overwrite-${ticket.id}`}>{t("tp.overwrite")}</label>
            <p id={`overwrite-hint-${ticket.id}`} class="muted small">{t(overwrite ? "tp.overwriteOn" : "tp.overwriteOff")}</p>
          </div>
          <button type="submit" disabled={!chosen}>{t("tp.apply")}</button>
        </form>
      )}
      {g?.template && (
        <>
          {g.instruction && <div class="instruction"><p class="label">{t("tp.instruction")}</p><p dir="auto" class="pre">{g.instruction}</p></div>}
          {g.steps && g.steps.length > 0 && (
            <fieldset class="checklist" data-testid="checklist">
              <legend>{t("tp.checklist", { done: g.steps.filter((s) => s.done).length, total: g.steps.length })}</legend>
              {g.steps.map((s) => (
                <label class="check" key={s.step}>
                  <input type="checkbox" checked={s.done} disabled={locked} onChange={(e) => void tick(s.step, e.currentTarget.checked)} />
                  <span dir="auto">{s.text}</span>
                </label>
              ))}
            </fieldset>
          )}
          {(g.solution_text || (g.solution_suggestions?.length ?? 0) > 0) && (
            <div class="solutions">
              <p class="label">{t("tp.solutions")}</p>
              <ul>
                {g.solution_text && (
                  <li>
                    <span dir="auto" class="pre">{g.solution_text}</span>{" "}
                    <button type="button" class="link" disabled={locked} onClick={() => insertIntoReply(g.solution_text ?? "")} data-testid="insert-solution">{t("tp.insertSolution")}</button>
                  </li>
                )}
                {g.solution_suggestions?.map((s, i) => (
                  <li key={i}>
                    <strong dir="auto">{s.title}</strong>{" "}
                    <button type="button" class="link" disabled={locked} onClick={() => insertIntoReply(s.text)} aria-label={t("tp.insertNamed", { title: s.title })}>{t("tp.insert")}</button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
