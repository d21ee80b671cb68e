import { Component } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { session } from "../api";
import { fmtDateTime, type Key, language, t } from "../i18n";
import { ageOf } from "../logic/age";
import { groupName, priorityLabel, statusLabel, userName } from "../logic/labels";
import { nextSort, type Sort, type SortColumn, sortTickets } from "../logic/sort";
import { covers, OVERSCAN, rowsInView, type Span, spanAround, spanToDraw } from "../logic/windowing";
import { useStore } from "../store";
import type { Directory, Ticket } from "../types";
import { chosenColumns, type ColumnId, columnsFor, shownColumns } from "./lists/columns";
import { ColumnMenu } from "./lists/ColumnMenu";
import { allState, rangeOf } from "./lists/selection";
import { slaDue, spanOf } from "./lists/sla";
import "./lists/lists.css";

/** Header words per column (the lock column's header says "Locked by": each row then shows
 *  only the name, not the same words again). */
export const COLUMN_KEYS: Record<ColumnId, Key> = {
  number: "list.number", title: "list.title", contact: "list.contact", status: "list.status",
  priority: "list.priority", sla: "list.sla", updated: "list.updated", age: "list.age",
  group: "list.group", agent: "list.agent", lock: "list.lockHead",
};
const SORTABLE: Partial<Record<ColumnId, SortColumn>> = {
  number: "number", title: "title", contact: "contact", status: "status", priority: "priority",
  sla: "sla", updated: "updated", age: "age", group: "group", agent: "agent",
};

/** The sort arrow, drawn (a glyph needs a font the machine may lack); aria-sort says it in words. */
const SortArrow = ({ dir }: { dir: "ascending" | "descending" | "none" }) => (
  <svg class={`sort-arrow sort-${dir}`} aria-hidden="true" focusable="false" viewBox="0 0 10 10" width="10" height="10">
    {dir === "ascending" && <path d="M5 1 9 8H1z" fill="currentColor" />}
    {dir === "descending" && <path d="M5 9 1 2h8z" fill="currentColor" />}
    {dir === "none" && <path d="M5 0 8 4H2zM5 10 2 6h6z" fill="currentColor" opacity="0.35" />}
  </svg>
);

/** A padlock drawn inline (an emoji needs a font the machine may lack); decorative, the words are beside it. */
const LockIcon = () => (
  <svg class="lock-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">
    <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6" />
    <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
  </svg>
);

const AGE_KEYS = { min: "age.min", h: "age.h", d: "age.d" } as const;
const duration = (minutes: number) => { const x = spanOf(minutes); return t(AGE_KEYS[x.unit], { n: x.n }); };

/** A row's height in CSS pixels as styles.css draws it (one line, fixed); measured once drawn. */
const ROW_HEIGHT = 34;

export interface TicketListProps {
  items: Ticket[];
  contacts: Record<string, string>;
  dir: Directory;
  linkTo: (ticket: Ticket) => string;
  selectedId?: string | null;
  caption: string;
  /** Boxes for choosing several for bulk work: the chosen ids, and a change to them (a box,
   *  a Shift+click range from the last box clicked, or the header box for all rows). */
  chosen?: Set<string>;
  onChoose?: (ids: string[], on: boolean) => void;
  onSorted?: (ids: string[]) => void;
  loading?: boolean;
  /** The rows are of another list than the one now asked for (the user switched lists):
   *  they are hidden and inert, the table busy, until the new list is there (issue 15). */
  stale?: boolean;
  /** The list holds tickets of several groups (dispatcher, search, personal inbox): the
   *  group column is offered. */
  spansGroups?: boolean;
}

/**
 * A sortable ticket table that puts only the rows in view in the DOM (windowing), so an
 * inbox of 500 draws and re-sorts within a frame. Rows are one line of fixed height, laid
 * out as flex lines rather than by the table algorithm (cheaper to lay out); the rows not
 * drawn are stood in for by two CSS spacers (tbody::before/::after, sized by custom
 * properties, so nothing is added to the DOM or the accessibility tree).
 * Screen readers still learn the whole size: the table carries aria-rowcount and each
 * row its aria-rowindex. The window follows any scrolling (the page, or the PRO pane)
 * with OVERSCAN rows to spare at each edge, and follows keyboard focus too, so Tab always
 * finds the next link; a row selected off screen (j/k) is drawn and scrolled into view.
 * Issue 15: the columns are the user's choice (ColumnMenu, kept per user); a narrow list
 * drops the less important ones first (lists.css, by the list's own width).
 */
export function TicketList(props: TicketListProps) {
  const { items, contacts, dir, linkTo, selectedId, caption, chosen, onChoose, onSorted, loading, stale, spansGroups } = props;
  const [sort, setSort] = useState<Sort | null>(null);
  const userId = session.get()?.user.id ?? "";
  useStore(chosenColumns);
  const columns = shownColumns(columnsFor(userId), spansGroups ?? false);
  const contactName = (ticket: Ticket) => (ticket.contact_id ? contacts[ticket.contact_id] ?? "" : "");
  const now = useMemo(() => new Date(), [items]);
  const sorted = useMemo(() => sortTickets(items, sort, contactName, {
    group: (x) => groupName(dir, x.group_id), agent: (x) => userName(dir, x.agent_id),
    slaDue: (x) => slaDue(x, now)?.due ?? null,
  }), [items, sort, contacts, dir]);
  const count = sorted.length;
  const anchor = useRef<string | null>(null);
  const order = useRef<string[]>([]);
  order.current = sorted.map((x) => x.id);
  const onChooseRef = useRef(onChoose);
  onChooseRef.current = onChoose;
  const choose = useRef((id: string, on: boolean, shift: boolean) => {
    const ids = shift ? rangeOf(order.current, anchor.current, id) : [id];
    anchor.current = id;
    onChooseRef.current?.(ids, on);
  });

  const body = useRef<HTMLTableSectionElement>(null);
  const rowHeight = useRef(ROW_HEIGHT);
  const measured = useRef(false);
  // Before the table is there its place is unknown: draw a screenful. It never starts at the
  // top of the view (the top bar and the list's heading are above it), so that covers the
  // rows in view and leaves a few to spare; the first commit then checks against the real place.
  const [drawn, setDrawn] = useState<Span>(() => ({ start: 0, end: Math.ceil(window.innerHeight / ROW_HEIGHT) }));
  const span = { start: Math.min(drawn.start, count), end: Math.min(drawn.end, count) };
  const live = useRef({ span, count });
  live.current = { span, count };
  const reveal = useRef<string | null>(null);

  /** After a commit, a scroll or a resize: draw other rows if the view has left the drawn ones. */
  const follow = useRef(() => {
    const tbody = body.current;
    if (!tbody) return;
    const { span, count } = live.current;
    if (!measured.current && (tbody.rows?.length ?? 0) >= 2) { // rows: absent in some test DOMs
      const pitch = tbody.rows[1].getBoundingClientRect().top - tbody.rows[0].getBoundingClientRect().top;
      measured.current = pitch > 0; // 0: not laid out (hidden); measure on a later call
      if (pitch > 0 && Math.abs(pitch - rowHeight.current) > 0.25) {
        rowHeight.current = pitch;
        setDrawn({ ...span }); // redraw the spacers at the measured height
      }
    }
    const visible = rowsInView(tbody.getBoundingClientRect().top, window.innerHeight, rowHeight.current, count);
    if (!covers(span, visible)) setDrawn(spanToDraw(visible, count));
  });

  useLayoutEffect(() => {
    onSorted?.(sorted.map((x) => x.id));
    if (performance.getEntriesByName("servit:list:start").length) {
      performance.measure("servit:list", "servit:list:start");
      performance.clearMarks("servit:list:start");
    }
  }, [sorted]);

  useLayoutEffect(() => {
    reveal.current = selectedId ?? null;
  }, [selectedId]);

  // After every commit: bring a newly selected row into view (drawing it first if it is
  // outside the window), then make sure the rows in view are drawn.
  useLayoutEffect(() => {
    const id = reveal.current;
    if (id && count) {
      const at = sorted.findIndex((x) => x.id === id);
      if (at < 0) {
        reveal.current = null;
      } else if (at < span.start || at >= span.end) {
        const size = Math.max(span.end - span.start, Math.ceil(window.innerHeight / rowHeight.current) + 2 * OVERSCAN);
        setDrawn(spanAround(at, size, count));
        return;
      } else {
        reveal.current = null;
        body.current?.rows?.[at - span.start]?.scrollIntoView({ block: "nearest" });
      }
    }
    follow.current();
  });

  useEffect(() => {
    const onMove = () => follow.current();
    // Capture: scroll events do not bubble, and the list may scroll in the page or in a pane.
    window.addEventListener("scroll", onMove, { capture: true, passive: true });
    window.addEventListener("resize", onMove, { passive: true });
    return () => {
      window.removeEventListener("scroll", onMove, { capture: true });
      window.removeEventListener("resize", onMove);
    };
  }, []);

  if (!items.length) return loading ? null : <p class="empty">{t("list.empty")}</p>;
  const lang = language.get();
  const spacers = {
    "--rows-above": `${span.start * rowHeight.current}px`,
    "--rows-below": `${(count - span.end) * rowHeight.current}px`,
  };
  const all = chosen ? allState(order.current, chosen) : "none";
  return (
    <div class="ticket-list" data-columns={columns.join(" ")}>
      <div class="list-tools">
        {stale && <p class="list-loading" role="status">{t("list.loading")}</p>}
        <ColumnMenu userId={userId} spansGroups={spansGroups ?? false} />
      </div>
      {/* focusin: focusing a link has already scrolled it into view, so the window can follow at
          once, before the next key press (a scroll event would come a frame later; keys held down
          or sent by a script can be faster, and Tab would then leave the drawn rows).
          Explicit roles: the rows are laid out as flex lines (styles.css), and some engines have
          dropped a table's semantics when its display is changed; the roles keep them everywhere. */}
      <table role="table" class={stale ? "tickets stale" : "tickets"} data-testid="ticket-list" aria-rowcount={count + 1}
        aria-busy={stale || loading ? "true" : undefined} onFocusIn={() => follow.current()}>
        <caption class="visually-hidden">{caption}</caption>
        <thead role="rowgroup">
          <tr role="row" aria-rowindex={1}>
            {onChoose && (
              <th role="columnheader" scope="col" class="col-choose">
                <input type="checkbox" checked={all === "all"} indeterminate={all === "some"} disabled={stale}
                  aria-label={t("list.chooseAll", { n: count })} data-testid="choose-all"
                  onChange={(e) => { anchor.current = null; onChoose(order.current, e.currentTarget.checked); }} />
              </th>
            )}
            {columns.map((column) => {
              const by = SORTABLE[column];
              const dir = by && sort?.column === by ? (sort.dir === "asc" ? "ascending" : "descending") : "none";
              return (
                <th role="columnheader" scope="col" aria-sort={by ? dir : undefined} key={column} class={`col-${column}`}
                  title={column === "lock" ? t("list.lockHead") : undefined}>
                  {by ? (
                    <button type="button" class={dir === "none" ? "sort" : "sort sorted"} onClick={() => setSort(nextSort(sort, by))}>
                      <span class="sort-label">{t(COLUMN_KEYS[column])}</span><SortArrow dir={dir} />
                    </button>
                  ) : column === "lock" ? (
                    <><LockIcon /><span class="lock-text">{t(COLUMN_KEYS[column])}</span></>
                  ) : t(COLUMN_KEYS[column])}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody role="rowgroup" ref={body} style={spacers} inert={stale}>
          {sorted.slice(span.start, span.end).map((ticket, i) => (
            <Row key={ticket.id} ticket={ticket} rowIndex={span.start + i + 2} selected={ticket.id === selectedId}
              contact={contactName(ticket)} lockName={ticket.lock ? userName(dir, ticket.lock.by) : ""} href={linkTo(ticket)}
              now={now} chosen={chosen?.has(ticket.id) ?? false} onChoose={onChoose ? choose.current : undefined} lang={lang}
              columns={columns} group={groupName(dir, ticket.group_id)} agent={userName(dir, ticket.agent_id)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface RowProps {
  ticket: Ticket; rowIndex: number; selected: boolean; contact: string; lockName: string; href: string; now: Date;
  chosen: boolean; onChoose?: (id: string, on: boolean, shift: boolean) => void; lang: string;
  columns: ColumnId[]; group: string; agent: string;
}

/** One row; re-rendered only when what it shows changes, so a re-sort only moves rows. */
class Row extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return next.ticket !== p.ticket || next.rowIndex !== p.rowIndex || next.selected !== p.selected || next.chosen !== p.chosen
      || next.contact !== p.contact || next.lockName !== p.lockName || next.href !== p.href || next.lang !== p.lang
      || next.now !== p.now || next.onChoose !== p.onChoose || next.columns !== p.columns
      || next.group !== p.group || next.agent !== p.agent;
  }

  // click, not change: only the click carries the Shift key (a range from the last box clicked).
  private choose = (e: MouseEvent) => {
    const box = e.currentTarget as HTMLInputElement;
    this.props.onChoose?.(this.props.ticket.id, box.checked, e.shiftKey);
  };

  private cell(column: ColumnId) {
    const { ticket, selected, contact, lockName, href, now, group, agent } = this.props;
    switch (column) {
      case "number":
        return <td role="cell" class="num col-number" key={column}>{ticket.number}</td>;
      case "title":
        // One line per row (the window needs a fixed height): long text is cut with an
        // ellipsis, and the whole of it is in the title tooltip and the accessible name.
        return (
          <td role="cell" class="title col-title" key={column}>
            {ticket.customer_replied && (
              <span class="badge replied" title={t("list.replied")} data-testid="customer-replied">
                <span aria-hidden="true">↩</span><span class="replied-text">{t("list.replied")}</span>
              </span>
            )}
            <a href={href} aria-current={selected ? "true" : undefined} dir="auto" title={ticket.title}>
              {ticket.title}{ticket.unread && <span class="visually-hidden"> ({t("list.unread")})</span>}
            </a>
          </td>
        );
      case "contact":
        return <td role="cell" class="col-contact" dir="auto" title={contact || undefined} key={column}>{contact}</td>;
      case "status": {
        const status = statusLabel(ticket.status);
        return <td role="cell" class="col-status" key={column}><span class={`badge status-${ticket.status}`} title={status}>{status}</span></td>;
      }
      case "priority":
        return <td role="cell" class={`col-priority prio prio-${ticket.priority}`} key={column}>{priorityLabel(ticket.priority)}</td>;
      case "sla": {
        const due = slaDue(ticket, now);
        if (!due) return <td role="cell" class="col-sla" key={column} />;
        const text = due.level === "paused" ? t("sla.paused")
          : due.level === "breached" ? t("sla.overdue", { t: duration(due.minutes) })
          : due.level === "warn" ? t("sla.soon", { t: duration(due.minutes) })
          : t("sla.in", { t: duration(due.minutes) });
        const tip = t(due.target === "first_response" ? "sla.first_response" : "sla.resolution", { at: fmtDateTime(due.due) });
        return (
          <td role="cell" class={`col-sla sla-${due.level}`} key={column} title={tip} data-sla={due.level}>
            {due.level === "breached" && <span class="sla-mark" aria-hidden="true">!</span>}{text}
          </td>
        );
      }
      case "updated": {
        const ago = ageOf(ticket.updated_at, now);
        return (
          <td role="cell" class="num col-updated" key={column} title={fmtDateTime(ticket.updated_at)}>
            {t("list.ago", { t: t(AGE_KEYS[ago.unit], { n: ago.n }) })}
          </td>
        );
      }
      case "age": {
        const age = ageOf(ticket.created_at, now);
        return <td role="cell" class="num col-age" key={column}>{t(AGE_KEYS[age.unit], { n: age.n })}</td>;
      }
      case "group":
        return <td role="cell" class="col-group" key={column} title={group || undefined}>{group}</td>;
      case "agent":
        return <td role="cell" class="col-agent" key={column} title={agent || undefined}>{agent}</td>;
      case "lock": {
        // The header says "Locked by": the row shows the padlock and the name; the whole
        // sentence is the tooltip and what a screen reader hears.
        const lock = lockName ? t("list.lockedBy", { name: lockName }) : "";
        return (
          <td role="cell" class="col-lock" key={column} title={lock || undefined}>
            {lock && <><LockIcon /><span class="visually-hidden">{lock}</span><span class="lock-name" aria-hidden="true">{lockName}</span></>}
          </td>
        );
      }
    }
  }

  render({ ticket, rowIndex, selected, chosen, onChoose, columns }: RowProps) {
    const classes = [selected && "selected", ticket.unread && "unread", chosen && "chosen"].filter(Boolean).join(" ");
    return (
      <tr role="row" class={classes || undefined} data-ticket={ticket.number} aria-rowindex={rowIndex}>
        {onChoose && (
          <td role="cell" class="col-choose">
            <input type="checkbox" checked={chosen} aria-label={t("list.chooseTicket", { number: ticket.number })}
              onClick={this.choose} />
          </td>
        )}
        {columns.map((column) => this.cell(column))}
      </tr>
    );
  }
}
