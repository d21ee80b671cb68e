import { describe, expect, it } from "vitest";
import { sortTickets } from "../src/logic/sort";
import { covers, OVERSCAN, rowsInView, spanAround, spanToDraw } from "../src/logic/windowing";
import type { Ticket } from "../src/types";

describe("windowing: which rows of a long list are drawn", () => {
  it("finds the rows in view from where row 0 would be", () => {
    // The list starts 100 px down a 1000 px view, rows 34 px: rows 0..26 show.
    expect(rowsInView(100, 1000, 34, 500)).toEqual({ start: 0, end: 27 });
    // Scrolled 3400 px past row 0: rows 100..129 show (the last one in part).
    expect(rowsInView(-3400, 1000, 34, 500)).toEqual({ start: 100, end: 130 });
    // At the end the span stops at the last row; a list below the view shows none.
    expect(rowsInView(-16500, 1000, 34, 500)).toEqual({ start: 485, end: 500 });
    expect(rowsInView(2000, 1000, 34, 500)).toEqual({ start: 0, end: 0 });
  });

  it("draws a margin around them and redraws only when the view leaves the drawn rows", () => {
    const drawn = spanToDraw({ start: 100, end: 130 }, 500);
    expect(drawn).toEqual({ start: 100 - OVERSCAN, end: 130 + OVERSCAN });
    expect(covers(drawn, { start: 101, end: 131 })).toBe(true); // a small scroll: nothing to do
    expect(covers(drawn, { start: 120, end: 150 })).toBe(false);
    expect(spanToDraw({ start: 2, end: 30 }, 32)).toEqual({ start: 0, end: 32 });
  });

  it("puts a row chosen off screen (j/k) inside the span, within the list", () => {
    expect(spanAround(300, 40, 500)).toEqual({ start: 280, end: 320 });
    expect(spanAround(3, 40, 500)).toEqual({ start: 0, end: 40 });
    expect(spanAround(498, 40, 500)).toEqual({ start: 460, end: 500 });
    expect(spanAround(5, 40, 10)).toEqual({ start: 0, end: 10 });
  });
});

describe("sorting with keys worked out once", () => {
  const titles = ["Ärende", "zebra", "Apa", "äpple", "Öl", "apa", "Été", "打印机", "Не приходит", "بريد", "Zebra"];
  const items = titles.map((title, i) => ({
    id: `t${i}`, number: 100 - i, title, status: (["new", "open", "closed"] as const)[i % 3],
    priority: (["low", "high", "medium"] as const)[i % 3], created_at: new Date(Date.UTC(2025, 0, 1 + (i * 7) % 11)).toISOString(),
    contact_id: i % 4 ? `c${i % 4}` : null,
  })) as unknown as Ticket[];
  const contacts: Record<string, string> = { c1: "Östen", c2: "anna", c3: "Anna" };
  const name = (t: Ticket) => (t.contact_id ? contacts[t.contact_id] : "");

  // The order of the earlier implementation: key computed in every comparison, localeCompare.
  function reference(column: "title" | "contact", dir: 1 | -1): string[] {
    const key = (t: Ticket) => (column === "title" ? t.title : name(t)).toLocaleLowerCase();
    return [...items].sort((a, b) => {
      const order = key(a).localeCompare(key(b));
      return order === 0 ? a.number - b.number : dir * order;
    }).map((t) => t.id);
  }

  it("orders text as before (the browser's collation, case ignored, ties by number)", () => {
    for (const column of ["title", "contact"] as const) {
      expect(sortTickets(items, { column, dir: "asc" }, name).map((t) => t.id)).toEqual(reference(column, 1));
      expect(sortTickets(items, { column, dir: "desc" }, name).map((t) => t.id)).toEqual(reference(column, -1));
    }
  });

  it("breaks ties by number in both directions and leaves the input alone", () => {
    const before = items.map((t) => t.id);
    const byStatus = sortTickets(items, { column: "status", dir: "desc" }, name);
    expect(items.map((t) => t.id)).toEqual(before);
    for (let i = 1; i < byStatus.length; i++) {
      if (byStatus[i].status === byStatus[i - 1].status) expect(byStatus[i].number).toBeGreaterThan(byStatus[i - 1].number);
    }
  });
});
