// Addresses mail cannot reach (issue 9): the reply composer says so and does not send.
import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../src/api";
import { ReplyComposer } from "../src/components/Composers";
import { language } from "../src/i18n";
import { splitAddresses, unreachableAmong } from "../src/logic/addresses";
import { errorText } from "../src/logic/errors";
import type { Ticket } from "../src/types";

const ticket: Ticket = {
  id: "t1", number: 10001, title: "T", status: "open", priority: "medium", template_id: null, itil_process: null,
  ticket_type: null, response_point_id: "kundtjanst", group_id: null, agent_id: null, parent_id: null, contact_id: "c1",
  description: "", cc: [], bcc: [], attachments: [], custom_fields: {}, channel: "email",
  created_at: "2025-03-10T10:00:00Z", updated_at: "2025-03-10T10:00:00Z", resolved_at: null, closed_at: null,
  dormant_until: null, lock: null, version: 1,
};
const REASON = "the domain 'intranet' is not a public mail domain";

describe("recipient lists", () => {
  it("split on commas, semicolons and blanks, but not inside quotes", () => {
    expect(splitAddresses(' anna@x.se, "john smith"@example.com;kalle@y.se  "a\\" b"@z.se ')).toEqual([
      "anna@x.se", '"john smith"@example.com', "kalle@y.se", '"a\\" b"@z.se',
    ]);
    expect(splitAddresses("")).toEqual([]);
  });

  it("find the unreachable ones whatever their case, once each", () => {
    const known = { "helpdesk@intranet": REASON, "dörte@exämple.se": "non-ASCII" };
    expect(unreachableAmong(["anna@x.se", "Helpdesk@Intranet", "helpdesk@intranet", "Dörte@exämple.se"], known)).toEqual([
      ["Helpdesk@Intranet", REASON], ["Dörte@exämple.se", "non-ASCII"],
    ]);
    expect(unreachableAmong(["anna@x.se"], known)).toEqual([]);
  });
});

describe("the reply composer", () => {
  const host = document.createElement("div");
  document.body.append(host);
  const run = async () => true;
  afterEach(() => render(null, host));

  it("refuses to send to an unreachable contact and says why", () => {
    language.set("sv");
    render(<ReplyComposer ticket={ticket} contactEmail="helpdesk@intranet" unreachable={{ "helpdesk@intranet": REASON }} run={run} />, host);
    const alert = host.querySelector('[data-testid="reply-unreachable"]');
    expect(alert?.getAttribute("role")).toBe("alert");
    expect(alert?.textContent).toContain("Svaret kan inte skickas till helpdesk@intranet");
    expect(alert?.textContent).toContain(REASON);
    expect(host.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(true);
  });

  it("sends to a reachable contact as before", () => {
    language.set("en");
    render(<ReplyComposer ticket={ticket} contactEmail="anna@kund.se" unreachable={{ "helpdesk@intranet": REASON }} run={run} />, host);
    expect(host.querySelector('[data-testid="reply-unreachable"]')).toBeNull();
    expect(host.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(false);
  });

  it("names an unreachable copy of the ticket too", () => {
    language.set("en");
    const copied = { ...ticket, cc: ["chef@kund.invalid"], unreachable: { "chef@kund.invalid": "reserved" } };
    render(<ReplyComposer ticket={copied} contactEmail="anna@kund.se" unreachable={copied.unreachable} run={run} />, host);
    expect(host.querySelector('[data-testid="reply-unreachable"]')?.textContent).toContain("chef@kund.invalid");
  });
});

describe("the API's refusal", () => {
  it("is shown with the address and the reason", () => {
    language.set("en");
    const refused = new ApiError(422, "address_unreachable", "cannot send to helpdesk@intranet: " + REASON);
    expect(errorText(refused)).toBe(`E-mail cannot be sent to that address (cannot send to helpdesk@intranet: ${REASON})`);
  });
});
