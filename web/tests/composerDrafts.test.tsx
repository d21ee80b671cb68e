// Issue 15: the reply and note composers keep their text as a draft across an unmount (a ticket
// switch in the PRO view) and say so; a successful send removes the draft, a failed one keeps it.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { session } from "../src/api";
import { NoteComposer, ReplyComposer } from "../src/components/Composers";
import { language } from "../src/i18n";
import { draftKey } from "../src/logic/drafts";
import { directory } from "../src/state";
import type { Directory, Ticket, User } from "../src/types";

const ticket: Ticket = {
  id: "t1", number: 10001, title: "T", status: "open", priority: "medium", template_id: null, itil_process: null,
  ticket_type: null, response_point_id: "kundtjanst", group_id: null, agent_id: null, parent_id: null, contact_id: "c1",
  description: "", cc: [], bcc: [], attachments: [], custom_fields: {}, channel: "email",
  created_at: "2025-03-10T10:00:00Z", updated_at: "2025-03-10T10:00:00Z", resolved_at: null, closed_at: null,
  dormant_until: null, lock: null, version: 1,
};
const anna: User = { id: "anna", email: "anna@x.se", name: "Anna", roles: ["agent"], groups: [], language: "en", view: "pro" };

function type(host: HTMLElement, testid: string, value: string): void {
  const box = host.querySelector<HTMLTextAreaElement>(`[data-testid="${testid}"]`);
  if (!box) throw new Error(`no ${testid}`);
  box.value = value;
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

describe("composer drafts", () => {
  const host = document.createElement("div");
  document.body.append(host);
  beforeEach(() => {
    localStorage.clear();
    language.set("en");
    session.set({ token: "x", user: anna });
  });
  afterEach(() => render(null, host));

  it("a reply typed, unmounted and shown again is restored and says it is a draft", () => {
    act(() => render(<ReplyComposer ticket={ticket} contactEmail="k@x.se" run={async () => true} />, host));
    act(() => type(host, "reply-text", "Hej Karin,"));
    expect(host.querySelector('[data-testid="reply-draft-from"]')).toBeNull(); // typed now, not restored
    act(() => render(null, host));

    act(() => render(<ReplyComposer ticket={ticket} contactEmail="k@x.se" run={async () => true} />, host));
    expect(host.querySelector<HTMLTextAreaElement>('[data-testid="reply-text"]')?.value).toBe("Hej Karin,");
    expect(host.querySelector('[data-testid="reply-draft-from"]')?.textContent).toContain("Draft from");
    // Another user on the same browser does not get it
    expect(localStorage.getItem(draftKey("anna", "t1", "reply"))).toContain("Hej Karin,");
    expect(localStorage.getItem(draftKey("bengt", "t1", "reply"))).toBeNull();
  });

  it("a failed send keeps the draft; a successful one removes it", async () => {
    let succeed = false;
    const run = async (work: () => Promise<unknown>) => { void work; return succeed; };
    act(() => render(<NoteComposer ticket={ticket} run={run} />, host));
    act(() => type(host, "note-text", "Ringde kunden"));
    const form = host.querySelector("form") as HTMLFormElement;

    await act(async () => { form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })); });
    expect(localStorage.getItem(draftKey("anna", "t1", "note"))).toContain("Ringde kunden");
    expect(host.querySelector<HTMLTextAreaElement>('[data-testid="note-text"]')?.value).toBe("Ringde kunden");

    succeed = true;
    await act(async () => { form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })); });
    expect(localStorage.getItem(draftKey("anna", "t1", "note"))).toBeNull();
    expect(host.querySelector<HTMLTextAreaElement>('[data-testid="note-text"]')?.value).toBe("");
  });

  it("choosing a status turns Send into one action that says what it does and sends it along", async () => {
    directory.set({ hidden_fields: [], status_moves: { open: ["with_contact", "dormant_until", "resolved", "closed"] } } as unknown as Directory);
    const sent: unknown[] = [];
    const run = async (work: () => Promise<unknown>) => { sent.push(work); return true; };
    act(() => render(<NoteComposer ticket={ticket} run={run} />, host));
    const select = host.querySelector<HTMLSelectElement>('[data-testid="note-after"]') as HTMLSelectElement;
    // The four daily statuses the ticket may move to; never one that needs a date
    expect([...select.options].map((o) => o.value)).toEqual(["", "with_contact", "resolved", "closed"]);
    expect(host.querySelector('[data-testid="note-send"]')?.textContent).toBe("Save to the history");

    act(() => { select.value = "resolved"; select.dispatchEvent(new Event("change", { bubbles: true })); });
    expect(host.querySelector('[data-testid="note-send"]')?.textContent).toBe("Save and resolve");
    directory.set(null);
  });
});
