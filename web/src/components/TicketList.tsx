import { Component } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { language, t } from "../i18n";
import { ageOf } from "../logic/age";
import { priorityLabel, statusLabel, userName } from "../logic/labels";
import { nextSort, type Sort, type SortColumn, sortTickets } from "../logic/sort";
import { covers, OVERSCAN, rowsInView, type Span, spanAround, spanToDraw } from "../logic/windowing";
import type { Directory, Ticket } from "../types";

const COLUMNS: { column: SortColumn; key: "list.number" | "list.title" | "list.contact" | "list.status" | "list.priority" | "list.age" }[] = [
  { column: "number", key: "list.number" },
  { column: "title", key: "list.title" },
  { column: "contact", key: "list.contact" },
  { column: "status", key: "list.status" },
  { column: "priority", key: "list.priority" },
  { column: "age", key: "list.age" },
];

/** A padlock drawn inline (an emoji needs a font the machine may lack); decorative, the words are beside it. */
const LockIcon = () => (
  <svg class="lock-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">
    <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6" />
    <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
  </svg>
);

const AGE_KEYS = { min: "age.min", h: "age.h", d: "age.d" } as const;

/** A row's height in CSS pixels as styles.css draws it (one line, fixed); measured once drawn. */
const ROW_HEIGHT = 34;

export interface TicketListProps {
  items: Ticket[];
  contacts: Record<string, string>;
  dir: Directory;
  linkTo: (ticket: Ticket) => string;
  selectedId?: string | null;
  caption: string;
  /** Checkboxes for choosing several (the dispatcher board). */
  chosen?: Set<string>;
  onChoose?: (id: string, on: boolean) => void;
  onSorted?: (ids: string[]) => void;
  loading?: boolean;
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
 */
export function TicketList(props: TicketListProps) {
  const { items, contacts, dir, linkTo, selectedId, caption, chosen, onChoose, onSorted, loading } = props;
  const [sort, setSort] = useState<Sort | null>(null);
  const contactName = (ticket: Ticket) => (ticket.contact_id ? contacts[ticket.contact_id] ?? "" : "");
  const sorted = useMemo(() => sortTickets(items, sort, contactName), [items, sort, contacts]);
  const now = useMemo(() => new Date(), [items]);
  const count = sorted.length;

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
    if (!measured.current && tbody.rows.length >= 2) {
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
        body.current?.rows[at - span.start]?.scrollIntoView({ block: "nearest" });
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
  return (
    // focusin: focusing a link has already scrolled it into view, so the window can follow at
    // once, before the next key press (a scroll event would come a frame later; keys held down
    // or sent by a script can be faster, and Tab would then leave the drawn rows).
    // Explicit roles: the rows are laid out as flex lines (styles.css), and some engines have
    // dropped a table's semantics when its display is changed; the roles keep them everywhere.
    <table role="table" class="tickets" data-testid="ticket-list" aria-rowcount={count + 1} onFocusIn={() => follow.current()}>
      <caption class="visually-hidden">{caption}</caption>
      <thead role="rowgroup">
        <tr role="row" aria-rowindex={1}>
          {onChoose && <th role="columnheader" scope="col" class="col-choose"><span class="visually-hidden">{t("list.choose")}</span></th>}
          {COLUMNS.map(({ column, key }) => {
            const dir = sort?.column === column ? (sort.dir === "asc" ? "ascending" : "descending") : "none";
            return (
              <th role="columnheader" scope="col" aria-sort={dir} key={column} class={`col-${column}`}>
                <button type="button" class="sort" onClick={() => setSort(nextSort(sort, column))}>
                  {t(key)}<span aria-hidden="true">{dir === "ascending" ? " ▲" : dir === "descending" ? " ▼" : ""}</span>
                </button>
              </th>
            );
          })}
          {/* In the narrow PRO list the lock column shows only an icon; the words stay for screen readers. */}
          <th role="columnheader" scope="col" class="col-lock" title={t("list.lock")}>
            <LockIcon /><span class="lock-text">{t("list.lock")}</span>
          </th>
        </tr>
      </thead>
      <tbody role="rowgroup" ref={body} style={spacers}>
        {sorted.slice(span.start, span.end).map((ticket, i) => (
          <Row key={ticket.id} ticket={ticket} rowIndex={span.start + i + 2} selected={ticket.id === selectedId}
            contact={contactName(ticket)} lockName={ticket.lock ? userName(dir, ticket.lock.by) : ""} href={linkTo(ticket)}
            now={now} chosen={chosen?.has(ticket.id) ?? false} onChoose={onChoose} lang={lang} />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps {
  ticket: Ticket; rowIndex: number; selected: boolean; contact: string; lockName: string; href: string; now: Date;
  chosen: boolean; onChoose?: (id: string, on: boolean) => void; lang: string;
}

/** One row; re-rendered only when what it shows changes, so a re-sort only moves rows. */
class Row extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return next.ticket !== p.ticket || next.rowIndex !== p.rowIndex || next.selected !== p.selected || next.chosen !== p.chosen
      || next.contact !== p.contact || next.lockName !== p.lockName || next.href !== p.href || next.lang !== p.lang
      || next.now !== p.now || !next.onChoose !== !p.onChoose; // the handler itself is read when a box is clicked
  }

  private choose = (e: Event) => this.props.onChoose?.(this.props.ticket.id, (e.currentTarget as HTMLInputElement).checked);

  render({ ticket, rowIndex, selected, contact, lockName, href, now, chosen, onChoose }: RowProps) {
    const age = ageOf(ticket.created_at, now);
    const lock = lockName ? t("list.lockedBy", { name: lockName }) : "";
    const status = statusLabel(ticket.status);
    return (
      <tr role="row" class={selected ? "selected" : undefined} data-ticket={ticket.number} aria-rowindex={rowIndex}>
        {onChoose && (
          <td role="cell" class="col-choose">
            <input type="checkbox" checked={chosen} aria-label={t("list.chooseTicket", { number: ticket.number })}
              onChange={this.choose} />
          </td>
        )}
        <td role="cell" class="num col-number">{ticket.number}</td>
        {/* One line per row (the window needs a fixed height): long text is cut with an
            ellipsis, and the whole of it is in the title tooltip and the accessible name. */}
        <td role="cell" class="title col-title"><a href={href} aria-current={selected ? "true" : undefined} dir="auto" title={ticket.title}>{ticket.title}</a></td>
        <td role="cell" class="col-contact" dir="auto" title={contact || undefined}>{contact}</td>
        <td role="cell" class="col-status"><span class={`badge status-${ticket.status}`} title={status}>{status}</span></td>
        <td role="cell" class={`col-priority prio prio-${ticket.priority}`}>{priorityLabel(ticket.priority)}</td>
        <td role="cell" class="num col-age">{t(AGE_KEYS[age.unit], { n: age.n })}</td>
        <td role="cell" class="col-lock" title={lock || undefined}>
          {lock && <><LockIcon /><span class="lock-text">{lock}</span></>}
        </td>
      </tr>
    );
  }
}
