import { afterEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../src/api";
import { ANY, announce, backoff, fallbackDelay, FALLBACK_MS, onTicketChange, parseNotice, socketUrl } from "../src/live";
import { fetchFresh, forgetAll } from "../src/live/conditional";
import { concerns } from "../src/live/lists";

const notice = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "ticket", id: "T1", version: 4, status: "open", group_id: "g1", agent_id: "a1", ...over });

describe("live notices", () => {
  it("reads a ticket notice and ignores anything else the socket may carry", () => {
    expect(parseNotice(notice())).toEqual({ id: "T1", version: 4, status: "open", group_id: "g1", agent_id: "a1" });
    expect(parseNotice('{"message": "Forbidden"}')).toBeNull(); // API Gateway's answer to a keepalive
    expect(parseNotice("not json")).toBeNull();
    expect(parseNotice(notice({ id: 7 }))).toBeNull();
  });

  it("tells every subscriber, and no longer one that unsubscribed", () => {
    const seen: string[] = [];
    const off = onTicketChange((c) => seen.push(`a:${c.id}`));
    onTicketChange(() => {
      throw new Error("a broken subscriber");
    });
    onTicketChange((c) => seen.push(`b:${c.id}`));
    announce({ id: "T1" });
    off();
    announce({ id: "T2" });
    expect(seen).toEqual(["a:T1", "b:T1", "b:T2"]);
  });

  it("connects to the server's wss URL as given, and to a path on the UI's own origin", () => {
    expect(socketUrl("wss://abc.execute-api.eu-north-1.amazonaws.com/api")).toBe("wss://abc.execute-api.eu-north-1.amazonaws.com/api");
    expect(socketUrl("/live", { protocol: "http:", host: "127.0.0.1:8000" } as Location)).toBe("ws://127.0.0.1:8000/live");
    expect(socketUrl("/live", { protocol: "https:", host: "desk.example" } as Location)).toBe("wss://desk.example/live");
  });

  it("backs off between reconnects up to 30 s, with jitter", () => {
    expect(backoff(0, () => 0)).toBe(700);
    expect(backoff(0, () => 1)).toBe(1300);
    expect(backoff(99, () => 0.5)).toBe(30_000);
  });

  it("spreads the fallback refreshes of many agents over 30 s around 45 s", () => {
    expect(fallbackDelay(() => 0)).toBe(FALLBACK_MS - 15_000);
    expect(fallbackDelay(() => 1)).toBe(FALLBACK_MS + 15_000);
  });
});

describe("which open list a change concerns", () => {
  const shown = new Set(["T9"]);
  it.each([
    ["a ticket on the list (it may leave)", { id: "T9", agent_id: "x", group_id: "y" }, "agent:a1", true],
    ["a ticket now the agent's", { id: "T1", agent_id: "a1", group_id: "g2" }, "agent:a1", true],
    ["another agent's ticket", { id: "T1", agent_id: "a2", group_id: "g1" }, "agent:a1", false],
    ["a ticket of the group", { id: "T1", agent_id: null, group_id: "g1" }, "pool-group:g1", true],
    ["a ticket of another group", { id: "T1", agent_id: null, group_id: "g2" }, "group:g1", false],
    ["any ticket, for a response point's inbox", { id: "T1", agent_id: null, group_id: "g2" }, "rp:kundtjanst", true],
    ["the fallback's tick", { id: ANY }, "agent:a1", true],
  ])("%s", (_name, change, inbox, expected) => {
    expect(concerns(change, inbox, shown)).toBe(expected);
  });
});

describe("conditional GET", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    forgetAll();
    setSession(null);
  });

  it("sends the last ETag and hands back the kept answer, unchanged, on a 304", async () => {
    setSession({ token: "tok", user: { id: "a1", email: "a@x.se", name: "A", roles: ["agent"], groups: [], language: "sv", view: "standard" } });
    const sent: (string | null)[] = [];
    const answers = [
      new Response(JSON.stringify({ unread: 3 }), { status: 200, headers: { ETag: 'W/"one"' } }),
      new Response(null, { status: 304, headers: { ETag: 'W/"one"' } }),
      new Response(JSON.stringify({ unread: 4 }), { status: 200, headers: { ETag: 'W/"two"' } }),
    ];
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      sent.push(new Headers(init.headers).get("If-None-Match"));
      return answers.shift();
    });
    const path = "/api/me/notifications/count";
    expect(await fetchFresh(path)).toEqual({ body: { unread: 3 }, changed: true });
    expect(await fetchFresh(path)).toEqual({ body: { unread: 3 }, changed: false });
    expect(await fetchFresh(path)).toEqual({ body: { unread: 4 }, changed: true });
    expect(sent).toEqual([null, 'W/"one"', 'W/"one"']);
  });
});
