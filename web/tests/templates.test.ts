// Issue 5 logic: search criteria from the form, reply inserts, hidden fields, quick menu links, routes.
import { describe, expect, it } from "vitest";
import { linkHref } from "../src/components/QuickMenu";
import { fieldSettings, hiddenFor, isShown } from "../src/logic/fieldSettings";
import { withInserted } from "../src/logic/insert";
import { parseRoute } from "../src/logic/route";
import { toCriteria } from "../src/screens/Search";

describe("search criteria", () => {
  it("leaves out empty values and keeps statuses and custom fields", () => {
    const c = toCriteria({ words: "faktura", group_id: "", priority: "high" }, ["new", "open"], { kund: "42", tom: "" });
    expect(c).toEqual({ status: ["new", "open"], words: "faktura", priority: "high", custom_fields: { kund: "42" } });
  });
  it("makes date ranges whole days as ISO instants", () => {
    const c = toCriteria({ created_from: "2026-01-01", created_to: "2026-01-31" }, [], {});
    expect(new Date(String(c.created_from)).getTime()).toBeLessThan(new Date(String(c.created_to)).getTime());
    expect(String(c.created_to)).toMatch(/Z$/);
  });
});

describe("insert into the reply", () => {
  it("never replaces what the agent wrote", () => {
    expect(withInserted("", "Lösning")).toBe("Lösning");
    expect(withInserted("Hej!\n", "Lösning")).toBe("Hej!\n\nLösning");
  });
});

describe("field settings", () => {
  const dir = { hidden_fields: ["cc"] };
  it("falls back to the global list, then uses the response point's", () => {
    fieldSettings.set(null);
    expect(hiddenFor(dir, "kt")).toEqual(["cc"]);
    fieldSettings.set({ global: ["cc"], response_points: { kt: ["cc", "itil_process"] } });
    expect(hiddenFor(dir, "kt")).toEqual(["cc", "itil_process"]);
    expect(hiddenFor(dir, "other")).toEqual(["cc"]);
  });
  it("hides one custom field, or all of them", () => {
    expect(isShown(["custom_fields.kund"], "custom_fields.kund")).toBe(false);
    expect(isShown(["custom_fields"], "custom_fields.x")).toBe(false);
    expect(isShown(["cc"], "custom_fields.x")).toBe(true);
  });
});

describe("quick menu and routes", () => {
  it("links to screens of the UI", () => {
    expect(linkHref({ kind: "saved_search", target: "01ABC" })).toBe("#/search/01ABC");
    expect(linkHref({ kind: "inbox", target: "group:kt" })).toBe("#/inbox/group:kt");
    expect(linkHref({ kind: "new_from_template", target: "faktura" })).toBe("#/new/faktura");
    expect(linkHref({ kind: "url", target: "https://example.com/" })).toBe("https://example.com/");
  });
  it("parses the new routes", () => {
    expect(parseRoute("#/search/01ABC")).toEqual({ name: "search", saved: "01ABC" });
    expect(parseRoute("#/search")).toEqual({ name: "search", saved: null });
    expect(parseRoute("#/new/faktura")).toEqual({ name: "new", template: "faktura" });
    expect(parseRoute("#/notifications")).toEqual({ name: "notifications" });
    expect(parseRoute("#/admin/rules")).toEqual({ name: "admin", section: "rules" });
  });
});
