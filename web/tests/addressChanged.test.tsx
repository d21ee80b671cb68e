// Issue 10: a changed contact address is shown in the reply composer before a reply goes out.
import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { ReplyComposer } from "../src/components/Composers";
import { language } from "../src/i18n";
import type { Ticket } from "../src/types";

const ticket: Ticket = {
  id: "t1", number: 10001, title: "T", status: "open", priority: "medium", template_id: null, itil_process: null,
  ticket_type: null, response_point_id: "kundtjanst", group_id: null, agent_id: null, parent_id: null, contact_id: "c1",
  description: "", cc: [], bcc: [], attachments: [], custom_fields: {}, channel: "email",
  created_at: "2025-03-10T10:00:00Z", updated_at: "2025-03-10T10:00:00Z", resolved_at: null, closed_at: null,
  dormant_until: null, lock: null, version: 1,
};

describe("the reply composer after an address change", () => {
  const host = document.createElement("div");
  document.body.append(host);
  const run = async () => true;
  afterEach(() => render(null, host));

  it("warns who changed the address, when, from what to what", () => {
    language.set("en");
    const changed = { ...ticket, address_changed: { at: "2025-03-11T08:00:00Z", by: "agent3", before: ["kim@kund.se"], after: ["mallory@evil.example"] } };
    render(<ReplyComposer ticket={changed} contactEmail="mallory@evil.example" run={run} />, host);
    const alert = host.querySelector('[data-testid="reply-address-changed"]');
    expect(alert?.getAttribute("role")).toBe("alert");
    expect(alert?.textContent).toContain("changed by agent3");
    expect(alert?.textContent).toContain("kim@kund.se → mallory@evil.example");
  });

  it("says nothing when the address did not change", () => {
    language.set("sv");
    render(<ReplyComposer ticket={{ ...ticket, address_changed: null }} contactEmail="kim@kund.se" run={run} />, host);
    expect(host.querySelector('[data-testid="reply-address-changed"]')).toBeNull();
  });
});

describe("confirming a changed address before replying", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("keeps Send disabled until the agent ticks that they checked the address", async () => {
    language.set("en");
    const changed = { ...ticket, address_changed: { at: "2025-03-11T08:00:00Z", by: "agent3", before: ["kim@kund.se"], after: ["mallory@evil.example"] } };
    render(<ReplyComposer ticket={changed} contactEmail="mallory@evil.example" run={async () => true} />, host);
    const send = host.querySelector<HTMLButtonElement>('button[type="submit"]');
    expect(send?.disabled).toBe(true);
    const box = host.querySelector<HTMLInputElement>('[data-testid="reply-address-checked"]');
    expect(box?.parentElement?.textContent).toContain("I have checked the new address");
    box!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(host.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(false);
  });
});
