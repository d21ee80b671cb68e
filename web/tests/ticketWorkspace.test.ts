// Issue 15 logic: the thread opens with the request and folds system events; the assignment
// warning; where the app lands; template errors in the admin's language.
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../src/api";
import { faultField, faultText, templateFault } from "../src/admin/templateErrors";
import { agentChoices, assignmentWarning, outsideGroup } from "../src/components/ticket/assignment";
import { landingInbox } from "../src/components/ticket/landing";
import { threadOf } from "../src/components/ticket/thread";
import { language } from "../src/i18n";
import type { Directory, Inbox, TicketEvent } from "../src/types";

let n = 0;
const ev = (type: string, actor = "system:mail", data: Record<string, unknown> = {}): TicketEvent =>
  ({ id: `e${++n}`, at: `2026-12-04T10:00:${String(n).padStart(2, "0")}Z`, type, actor, data });

afterEach(() => language.set("sv"));

describe("the thread", () => {
  it("opens a mail ticket with the customer's message and folds the system events before it into one line", () => {
    const created = ev("created"), routed = ev("routed"), sla = ev("sla_set"), assigned = ev("assigned");
    const mail = ev("message_in");
    const reply = ev("message_out", "agent1");
    const thread = threadOf([created, routed, sla, assigned, mail, reply], "Skrivaren skriver tomt");
    expect(thread.request).toEqual({ kind: "message", event: mail });
    expect(thread.items).toEqual([
      { kind: "folded", key: created.id, events: [created, routed, sla, assigned], open: false },
      { kind: "event", event: reply },
    ]);
  });

  it("opens an agent-entered ticket with its description", () => {
    const created = ev("created", "agent1");
    const note = ev("note", "agent1");
    const later = ev("message_in");
    const thread = threadOf([created, note, later], "Kunden ringde: skrivaren är trasig.");
    expect(thread.request).toEqual({ kind: "description", text: "Kunden ringde: skrivaren är trasig.", at: created.at, actor: "agent1" });
    // A single system event stays a line of its own; the customer's later mail is not the request.
    expect(thread.items.map((i) => (i.kind === "event" ? i.event.type : "folded"))).toEqual(["created", "note", "message_in"]);
  });

  it("has no request when there is neither a message in nor a description", () => {
    expect(threadOf([ev("created", "agent1"), ev("sla_set")], "  ").request).toBeNull();
  });

  it("never folds messages, notes or events that ask for attention", () => {
    const events = [ev("status_changed", "agent1"), ev("trigger_fired", "trigger:t1"), ev("picked", "agent1"), ev("sla_breached"), ev("note", "agent1")];
    expect(threadOf(events, "").items.every((i) => i.kind === "event")).toBe(true);
    const run = [ev("picked", "agent1"), ev("status_changed", "agent1"), ev("priority_changed", "agent1")];
    const items = threadOf([...run, ev("note", "agent1"), ev("woke_up"), ev("status_changed")], "").items;
    expect(items.map((i) => i.kind)).toEqual(["folded", "event", "folded"]);
    // The newest run (nothing said after it) starts unfolded: what just changed is in view.
    expect(items.map((i) => (i.kind === "folded" ? i.open : null))).toEqual([false, null, true]);
  });
});

const dir = {
  users: [
    { id: "agent1", name: "Agnes Agent", roles: ["agent"], groups: ["kt-first"], active: true },
    { id: "agent3", name: "Bengt Berg", roles: ["agent"], groups: ["it-desk"], active: true },
    { id: "old", name: "Olle Gammal", roles: ["agent"], groups: ["kt-first"], active: false },
  ],
  groups: [{ id: "kt-first", name: "Första linjen", response_point_id: "kundtjanst" }, { id: "it-desk", name: "Servicedesk", response_point_id: "it" }],
} as unknown as Directory;

describe("the assignment", () => {
  it("warns when the agent is not in the ticket's group, in the user's language", () => {
    expect(outsideGroup(dir, "agent1", "kt-first")).toBe(false);
    expect(outsideGroup(dir, "agent3", "kt-first")).toBe(true);
    expect(outsideGroup(dir, null, "kt-first")).toBe(false);
    expect(assignmentWarning(dir, "agent3", "kt-first")).toBe("Handläggaren Bengt Berg är inte med i svarsgruppen Första linjen.");
    language.set("en");
    expect(assignmentWarning(dir, "agent3", "kt-first")).toBe("Agent Bengt Berg is not in group Första linjen.");
  });

  it("offers the group's members first and the others after, always with the current assignee", () => {
    const choices = agentChoices(dir, "kt-first", "agent3");
    expect(choices.members.map((u) => u.id)).toEqual(["agent1"]);
    expect(choices.others.map((u) => u.id)).toEqual(["agent3"]);
    expect(agentChoices(dir, "kt-first", "old").members.map((u) => u.id)).toEqual(["agent1", "old"]);
  });
});

const inbox = (id: string, count: number): Inbox => ({ id, kind: id.slice(0, id.indexOf(":")), key: id.slice(id.indexOf(":") + 1), name: id, count });

describe("where the app lands", () => {
  it("opens the first inbox with work: own, then a pool, then any", () => {
    expect(landingInbox([inbox("agent:admin", 0), inbox("group:g", 3), inbox("pool-group:g", 0), inbox("rp:r", 160), inbox("pool-rp:r", 156)], "admin")).toBe("pool-rp:r");
    expect(landingInbox([inbox("agent:a", 2), inbox("pool-group:g", 9)], "a")).toBe("agent:a");
    expect(landingInbox([inbox("agent:a", 0), inbox("group:g", 4)], "a")).toBe("group:g");
    expect(landingInbox([inbox("agent:a", 0), inbox("pool-group:g", 0)], "a")).toBe("agent:a");
    expect(landingInbox([], "a")).toBe("agent:a");
  });
});

describe("template errors", () => {
  const error = (details: Record<string, unknown>) => new ApiError(422, "template_render", "steps[1] does not render: UndefinedError: 'kund' is undefined", details);

  it("are said in Swedish and English with the line, never in Jinja's words", () => {
    const fault = templateFault(error({ field: "steps[1]", kind: "undefined", line: 3, name: "kund" }));
    expect(fault).toEqual({ field: "steps[1]", kind: "undefined", line: 3, name: "kund" });
    expect(faultField(fault!.field)).toBe("Steg 2");
    expect(faultText(fault!)).toMatch(/^Rad 3: platshållaren kund finns inte\. Tillåtna: ticket_number/);
    language.set("en");
    expect(faultField("ticket_types[0].instruction")).toBe("Instruction for ticket type 1");
    expect(faultText({ field: "description", kind: "syntax", line: 2, name: null })).toMatch(/^Line 2: a placeholder or condition is not closed/);
    expect(faultText({ field: "description", kind: "too_long", line: null, name: null })).toBe("the text grows too long when filled in.");
    expect(faultText(fault!)).not.toContain("UndefinedError");
  });

  it("are not taken from other refusals", () => {
    expect(templateFault(new ApiError(422, "invalid", "custom field x must be one of ..."))).toBeNull();
    expect(templateFault(error({}))).toBeNull(); // an older server without details: the message is shown instead
  });
});
