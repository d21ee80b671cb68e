// issue 15: the top-bar search's pure rules (components/search/model.ts).
import { describe, expect, it } from "vitest";
import {
  moveActive, options, queryOf, searchPath, seeAllHref, shouldSearch, total, type SearchAnswer,
} from "../src/components/search/model";
import { parseRoute } from "../src/logic/route";
import { actionFor } from "../src/logic/shortcuts";

const answer: SearchAnswer = {
  tickets: [{ id: "T1", number: 10001, title: "Skrivaren", status: "open", priority: "medium", updated_at: "" }],
  contacts: [{ id: "C1", name: "Åsa Öström", email: "", phone: "", organisation_id: "", organisation: "" }],
  organisations: [{ id: "O1", name: "Kvarn AB", org_number: "", domain: "" }],
  more: {},
};

describe("top-bar search", () => {
  it("asks the API from two characters or a ticket number", () => {
    expect(shouldSearch("a")).toBe(false);
    expect(shouldSearch(" ab ")).toBe(true);
    expect(shouldSearch("7")).toBe(true);
    expect(shouldSearch("#7")).toBe(true);
    expect(shouldSearch("  ")).toBe(false);
  });

  it("lists tickets, contacts, organisations, then every result, each with where it leads", () => {
    const rows = options(answer, "ostr", "ts");
    expect(rows.map((r) => r.to)).toEqual([
      "#/ticket/T1", "#/contacts/C1", "#/organisations/O1", "#/find?q=ostr",
    ]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(4);
    expect(total(answer)).toBe(3);
    expect(options(null, "o", "ts")).toEqual([]);
  });

  it("moves with the arrows and wraps around", () => {
    expect(moveActive(-1, 4, "ArrowDown")).toBe(0);
    expect(moveActive(3, 4, "ArrowDown")).toBe(0);
    expect(moveActive(0, 4, "ArrowUp")).toBe(3);
    expect(moveActive(-1, 4, "ArrowUp")).toBe(3);
    expect(moveActive(2, 4, "Home")).toBe(0);
    expect(moveActive(0, 0, "ArrowDown")).toBe(-1);
  });

  it("keeps the query in the address of the see-all screen, Cyrillic and # included", () => {
    const href = seeAllHref(" Соколов #12 ");
    expect(parseRoute(href)).toEqual({ name: "find", q: "Соколов #12" });
    expect(queryOf(href)).toBe("Соколов #12");
    expect(searchPath("a&b", 5)).toBe("/api/search?q=a%26b&limit=5");
  });

  it("focuses the search with / unless one is typing", () => {
    const key = (target: EventTarget | null) => ({ key: "/", ctrlKey: false, metaKey: false, altKey: false, target });
    expect(actionFor(key(null))).toBe("search");
    expect(actionFor(key({ tagName: "INPUT" } as unknown as EventTarget))).toBeNull();
  });
});
