import { afterEach, describe, expect, it, vi } from "vitest";
import { loggedOutReason, logOut, session, setSession } from "../src/api";
import type { User } from "../src/types";

const user: User = { id: "agent1", email: "agent1@x.se", name: "Agnes", roles: ["agent"], groups: [], language: "sv", view: "standard" };

afterEach(() => vi.unstubAllGlobals());

describe("log out (issue 10, finding 4)", () => {
  it("asks the API to revoke the token before dropping it", async () => {
    setSession({ token: "tok-1", user });
    const fetch = vi.fn(async () => new Response(JSON.stringify({ logged_out: true }), { status: 200 }));
    vi.stubGlobal("fetch", fetch);

    await logOut();

    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/auth/logout");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer tok-1");
    expect(session.get()).toBeNull();
    expect(localStorage.getItem("servit.session")).toBeNull();
  });

  it("drops the token offline or when it is already dead, without saying 'expired'", async () => {
    for (const answer of [() => Promise.reject(new TypeError("offline")), async () => new Response(JSON.stringify({ error: "expired", message: "x" }), { status: 401 })]) {
      setSession({ token: "tok-2", user });
      vi.stubGlobal("fetch", vi.fn(answer));
      await logOut();
      expect(session.get()).toBeNull();
      expect(loggedOutReason.get()).toBeNull();
    }
  });
});
