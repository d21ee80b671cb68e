// Menu profiles and the new ticket form prefilled from a template ("new ticket from template X").
import { describe, expect, it } from "vitest";
import { menuInboxes } from "../src/admin/MenuProfiles";
import { prefillFrom } from "../src/logic/templatePrefill";

const blank = { title: "", description: "", priority: "medium", ticket_type: "", itil_process: "", response_point_id: "it-support", group_id: "it-desk", agent_id: "" };
const tpl = {
  id: "skrivare", title: "Skrivarfel", response_point_id: "kundtjanst", group_id: "kt-faktura", agent_id: "",
  default_ticket_type: "fault", ticket_title: "Skrivaren krånglar", description: "Beskriv felet för {{ contact_name }}.",
  itil_process: "incident", default_priority: "high", custom_fields: { kundnummer: "K-1", antal: 3, tom: "" },
};

describe("prefill from a template", () => {
  it("places and classifies as the template says", () => {
    const v = prefillFrom(blank, tpl);
    expect(v).toMatchObject({ response_point_id: "kundtjanst", group_id: "kt-faktura", priority: "high", ticket_type: "fault", itil_process: "incident", title: "Skrivaren krånglar" });
    expect(v["cf:kundnummer"]).toBe("K-1");
    expect(v["cf:antal"]).toBe("3");
    expect(v).not.toHaveProperty("cf:tom");
  });
  it("leaves a text with placeholders empty for the API to render", () => {
    expect(prefillFrom(blank, tpl).description).toBe("");
    expect(prefillFrom(blank, { ...tpl, description: "Kontrollera skrivaren." }).description).toBe("Kontrollera skrivaren.");
  });
  it("never replaces a title or description the agent wrote", () => {
    const v = prefillFrom({ ...blank, title: "Mitt eget", description: "Egen text" }, { ...tpl, description: "Mallens text" });
    expect([v.title, v.description]).toEqual(["Mitt eget", "Egen text"]);
  });
  it("keeps the form's priority when the template has none", () => {
    expect(prefillFrom(blank, { ...tpl, default_priority: "" }).priority).toBe("medium");
  });
});

describe("inboxes a menu link may name", () => {
  it("are every group's and response point's, not only the admin's own", () => {
    const dir = {
      groups: [{ id: "kt-forsta", name: "Första linjen", response_point_id: "kundtjanst" }],
      response_points: [{ id: "kundtjanst", name: "Kundtjänst" }],
      users: [],
    } as unknown as Parameters<typeof menuInboxes>[0];
    expect(menuInboxes(dir).map((o) => o.value)).toEqual(["group:kt-forsta", "pool-group:kt-forsta", "rp:kundtjanst", "pool-rp:kundtjanst"]);
    expect(menuInboxes(dir)[1].label).toContain("Första linjen");
  });
});
