// A parent ticket's children (S10): listed with their status, added by searching (never by
// typing an id), removed, and the progress of the run that closes or answers them.
import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { statusLabel } from "../logic/labels";
import { href } from "../logic/route";
import { say } from "../state";
import type { Status, Ticket } from "../types";

type Heading = "h2" | "h3";
type Run = (work: () => Promise<unknown>, done: string) => Promise<boolean>;

export interface ChildTicket { id: string; number: number; title: string; status: Status }
export interface ChildrenRun { run_id: string; mode: string; total: number; done: number; finished: boolean }
interface ChildrenPage { items: ChildTicket[]; cursor: string | null; run: ChildrenRun | null }

const OPEN: Status[] = ["new", "open", "with_contact", "with_external", "dormant", "dormant_until"] as Status[];
const POLL_MS = 2000;

export function ChildrenPanel({ ticket, locked, run, heading: H = "h3", onCount }: {
  ticket: Ticket; locked: boolean; run: Run; heading?: Heading; onCount?: (count: number) => void;
}) {
  const [children, setChildren] = useState<ChildTicket[]>([]);
  const [more, setMore] = useState<string | null>(null);
  const [progress, setProgress] = useState<ChildrenRun | null>(null);
  const [words, setWords] = useState("");
  const [found, setFound] = useState<ChildTicket[] | null>(null);
  const isChild = Boolean(ticket.parent_id);
  const [parent, setParent] = useState<ChildTicket | null>(null);
  useEffect(() => {
    setParent(null);
    if (ticket.parent_id) get<ChildTicket>(`/api/tickets/${encodeURIComponent(ticket.parent_id)}`).then(setParent).catch(() => setParent(null));
  }, [ticket.parent_id]);

  async function load(): Promise<ChildrenRun | null> {
    try {
      const page = await get<ChildrenPage>(`/api/tickets/${encodeURIComponent(ticket.id)}/children?limit=200`);
      setChildren(page.items);
      setMore(page.cursor);
      setProgress(page.run);
      onCount?.(page.items.length);
      return page.run;
    } catch (e) {
      say(errorText(e), "error");
      return null;
    }
  }
  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    const tick = async () => {
      const shown = await load();
      // A run in progress: its progress is read again until it is done.
      if (!stop && shown && !shown.finished) timer = window.setTimeout(() => void tick(), POLL_MS);
    };
    if (!isChild) void tick();
    return () => { stop = true; window.clearTimeout(timer); };
  }, [ticket.id, ticket.version, isChild]);

  async function search(event: Event) {
    event.preventDefault();
    if (!words.trim()) return;
    try {
      const page = await api<{ items: Ticket[] }>("POST", "/api/tickets/search", { words, status: OPEN, limit: 20 });
      const taken = new Set(children.map((c) => c.id));
      setFound(page.items.filter((c) => c.id !== ticket.id && !c.parent_id && !taken.has(c.id)));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function add(child: ChildTicket) {
    const ok = await run(() => api("POST", `/api/tickets/${ticket.id}/children`, { ticket_ids: [child.id] }), t("children.added", { number: child.number }));
    if (ok) setFound((before) => before?.filter((c) => c.id !== child.id) ?? null);
    await load();
  }
  async function remove(child: ChildTicket) {
    await run(() => api("DELETE", `/api/tickets/${ticket.id}/children/${child.id}`), t("children.removed", { number: child.number }));
    await load();
  }
  async function resume() {
    await run(() => api("POST", `/api/tickets/${ticket.id}/children/resume`, {}), t("children.resumed"));
    await load();
  }

  const headingId = `children-${ticket.id}`;
  if (isChild) {
    // One level: a child has no children of its own; it shows its parent instead.
    return (
      <section class="children-box" aria-labelledby={headingId} data-testid="parent-box">
        <H id={headingId} class="section-title">{t("children.parentTitle")}</H>
        <p>
          <a href={href.ticket(ticket.parent_id as string)}>{parent ? t("children.parentOf", { number: parent.number }) : t("children.parentLink")}</a>
          {parent && <> <span dir="auto">{parent.title}</span> <span class={`badge status-${parent.status}`}>{statusLabel(parent.status)}</span></>}
        </p>
      </section>
    );
  }
  const canAdd = !locked && ticket.status !== "closed" && ticket.status !== "resolved";
  return (
    <section class="children-box" aria-labelledby={headingId} data-testid="children-panel">
      <H id={headingId} class="section-title">{t("children.title")}</H>
      {progress && (
        <p class={progress.finished ? "muted" : "notice notice-info"} data-testid="children-progress" role="status">
          {t(progress.finished ? "children.runDone" : "children.runBusy", {
            action: t(progress.mode === "reply" ? "children.modeReply" : "children.modeClose"),
            done: progress.done, total: progress.total,
          })}
          {!progress.finished && !locked && (
            <> <button type="button" class="link" data-testid="children-resume" onClick={resume}>{t("children.resume")}</button></>
          )}
        </p>
      )}
      {children.length ? (
        <ul class="children-list" data-testid="children-list">
          {children.map((c) => (
            <li key={c.id} data-child={c.number}>
              <a href={href.ticket(c.id)}>#{c.number}</a> <span dir="auto">{c.title}</span>{" "}
              <span class={`badge status-${c.status}`}>{statusLabel(c.status)}</span>
              {canAdd && (
                <button type="button" class="link" onClick={() => remove(c)}
                  aria-label={t("children.removeLabel", { number: c.number })}>{t("children.remove")}</button>
              )}
            </li>
          ))}
        </ul>
      ) : <p class="muted">{t("children.none")}</p>}
      {more && <p class="muted small">{t("children.more")}</p>}
      {canAdd && (
        <form class="row" role="search" onSubmit={search} aria-label={t("children.searchLabel")}>
          <label>{t("children.search")}
            <input type="search" value={words} data-testid="children-search" onInput={(e) => setWords(e.currentTarget.value)} />
          </label>
          <button type="submit">{t("common.search")}</button>
        </form>
      )}
      {canAdd && found && (
        found.length ? (
          <ul class="children-found" data-testid="children-found" aria-label={t("children.foundLabel")}>
            {found.map((c) => (
              <li key={c.id}>
                #{c.number} <span dir="auto">{c.title}</span>{" "}
                <button type="button" onClick={() => add(c)} aria-label={t("children.addLabel", { number: c.number })}>{t("children.add")}</button>
              </li>
            ))}
          </ul>
        ) : <p class="muted" role="status">{t("children.noneFound")}</p>
      )}
    </section>
  );
}
