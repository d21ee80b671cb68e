import { Component } from "preact";
import { useLayoutEffect, useMemo, useState } from "preact/hooks";
import { language, t } from "../i18n";
import { ageOf } from "../logic/age";
import { priorityLabel, statusLabel, userName } from "../logic/labels";
import { nextSort, type Sort, type SortColumn, sortTickets } from "../logic/sort";
import type { Directory, Ticket } from "../types";

const COLUMNS: { column: SortColumn; key: "list.number" | "list.title" | "list.contact" | "list.status" | "list.priority" | "list.age" }[] = [
  { column: "number", key: "list.number" },
  { column: "title", key: "list.title" },
  { column: "contact", key: "list.contact" },
  { column: "status", key: "list.status" },
  { column: "priority", key: "list.priority" },
  { column: "age", key: "list.age" },
];

const AGE_KEYS = { min: "age.min", h: "age.h", d: "age.d" } as const;

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

export function TicketList(props: TicketListProps) {
  const { items, contacts, dir, linkTo, selectedId, caption, chosen, onChoose, onSorted, loading } = props;
  const [sort, setSort] = useState<Sort | null>(null);
  const contactName = (ticket: Ticket) => (ticket.contact_id ? contacts[ticket.contact_id] ?? "" : "");
  const sorted = useMemo(() => sortTickets(items, sort, contactName), [items, sort, contacts]);
  const now = useMemo(() => new Date(), [items]);

  useLayoutEffect(() => {
    onSorted?.(sorted.map((x) => x.id));
    if (performance.getEntriesByName("servit:list:start").length) {
      performance.measure("servit:list", "servit:list:start");
      performance.clearMarks("servit:list:start");
    }
  }, [sorted]);

  if (!items.length) return loading ? null : <p class="empty">{t("list.empty")}</p>;
  return (
    <table class="tickets" data-testid="ticket-list">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {onChoose && <th scope="col"><span class="visually-hidden">{t("list.choose")}</span></th>}
          {COLUMNS.map(({ column, key }) => {
            const dir = sort?.column === column ? (sort.dir === "asc" ? "ascending" : "descending") : "none";
            return (
              <th scope="col" aria-sort={dir} key={column}>
                <button type="button" class="sort" onClick={() => setSort(nextSort(sort, column))}>
                  {t(key)}<span aria-hidden="true">{dir === "ascending" ? " ▲" : dir === "descending" ? " ▼" : ""}</span>
                </button>
              </th>
            );
          })}
          <th scope="col">{t("list.lock")}</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((ticket) => (
          <Row key={ticket.id} ticket={ticket} selected={ticket.id === selectedId} contact={contactName(ticket)}
            lockName={ticket.lock ? userName(dir, ticket.lock.by) : ""} href={linkTo(ticket)} now={now}
            chosen={chosen?.has(ticket.id) ?? false} onChoose={onChoose} lang={language.get()} />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps {
  ticket: Ticket; selected: boolean; contact: string; lockName: string; href: string; now: Date;
  chosen: boolean; onChoose?: (id: string, on: boolean) => void; lang: string;
}

/** One row; re-rendered only when what it shows changes, so a re-sort only moves rows. */
class Row extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return next.ticket !== p.ticket || next.selected !== p.selected || next.chosen !== p.chosen || next.contact !== p.contact
      || next.lockName !== p.lockName || next.href !== p.href || next.lang !== p.lang || next.now !== p.now;
  }

  render({ ticket, selected, contact, lockName, href, now, chosen, onChoose }: RowProps) {
    const age = ageOf(ticket.created_at, now);
    return (
      <tr class={selected ? "selected" : undefined} data-ticket={ticket.number}>
        {onChoose && (
          <td>
            <input type="checkbox" checked={chosen} aria-label={t("list.chooseTicket", { number: ticket.number })}
              onChange={(e) => onChoose(ticket.id, e.currentTarget.checked)} />
          </td>
        )}
        <td class="num">{ticket.number}</td>
        <td class="title"><a href={href} aria-current={selected ? "true" : undefined} dir="auto">{ticket.title}</a></td>
        <td dir="auto">{contact}</td>
        <td><span class={`badge status-${ticket.status}`}>{statusLabel(ticket.status)}</span></td>
        <td><span class={`prio prio-${ticket.priority}`}>{priorityLabel(ticket.priority)}</span></td>
        <td class="num">{t(AGE_KEYS[age.unit], { n: age.n })}</td>
        <td>{lockName ? t("list.lockedBy", { name: lockName }) : ""}</td>
      </tr>
    );
  }
}
