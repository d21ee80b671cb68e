// Issue 11: the login screen answers the API's challenges; a token is kept only at the end.
import { render } from "preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { session, setSession } from "../src/api";
import { language } from "../src/i18n";
import { groupedSecret, passwordProblems } from "../src/logic/passwords";
import { LoginScreen } from "../src/screens/Login";

const user = { id: "agent1", email: "agent1@x.se", name: "Agnes", roles: ["agent"], groups: [], language: "sv", view: "standard" };
const tick = () => new Promise((r) => setTimeout(r, 0));

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function type(host: HTMLElement, name: string, value: string): void {
  const input = host.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

async function submit(host: HTMLElement): Promise<void> {
  await tick(); // Preact renders the typed values before the form is sent
  host.querySelector<HTMLFormElement>("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  await tick();
  await tick();
}

function sent(fetch: ReturnType<typeof vi.fn>, call: number): [string, Record<string, unknown>] {
  const [url, init] = fetch.mock.calls[call] as unknown as [string, RequestInit];
  return [url, JSON.parse(String(init.body)) as Record<string, unknown>];
}

describe("the login screen's challenges", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => {
    render(null, host);
    setSession(null);
    vi.unstubAllGlobals();
  });

  it("asks for the code and keeps no token until the code is right", async () => {
    language.set("en");
    const fetch = vi.fn()
      .mockResolvedValueOnce(reply(200, { challenge: "SOFTWARE_TOKEN_MFA", session: "h1" }))
      .mockResolvedValueOnce(reply(401, { error: "wrong_code", message: "x" }))
      .mockResolvedValueOnce(reply(200, { token: "tok", user }));
    vi.stubGlobal("fetch", fetch);
    render(<LoginScreen reason={null} />, host);

    type(host, "email", "agent1@x.se");
    type(host, "password", "pw");
    await submit(host);
    expect(host.querySelector("h1")?.textContent).toBe("Two-step verification");
    expect(session.get()).toBeNull();

    type(host, "code", "000000");
    await submit(host);
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("The code is not right");
    expect(session.get()).toBeNull();

    type(host, "code", "123 456");
    await submit(host);
    expect(sent(fetch, 2)).toEqual(["/api/auth/challenge", { challenge: "SOFTWARE_TOKEN_MFA", session: "h1", code: "123 456" }]);
    expect(session.get()?.token).toBe("tok");
  });

  it("shows the set-up key as text and as an otpauth link", async () => {
    language.set("sv");
    const uri = "otpauth://totp/ServIT:admin%40x.se?secret=JBSWY3DPEHPK3PXP&issuer=ServIT";
    vi.stubGlobal("fetch", vi.fn().mockResolvedValueOnce(reply(200, { challenge: "MFA_SETUP", session: "h2", secret: "JBSWY3DPEHPK3PXP", otpauth_uri: uri })));
    render(<LoginScreen reason={null} />, host);
    type(host, "email", "admin@x.se");
    type(host, "password", "pw");
    await submit(host);

    expect(host.querySelector("h1")?.textContent).toBe("Aktivera tvåstegsverifiering");
    expect(host.querySelector('[data-testid="totp-secret"]')?.textContent).toBe("JBSW Y3DP EHPK 3PXP");
    expect(host.querySelector<HTMLAnchorElement>(`a[href="${uri}"]`)).not.toBeNull();
  });

  it("checks a new password against the rules before sending it", async () => {
    language.set("en");
    const fetch = vi.fn()
      .mockResolvedValueOnce(reply(200, { challenge: "NEW_PASSWORD_REQUIRED", session: "h3" }))
      .mockResolvedValueOnce(reply(200, { token: "tok", user }));
    vi.stubGlobal("fetch", fetch);
    render(<LoginScreen reason={null} />, host);
    type(host, "email", "nina@x.se");
    type(host, "password", "temporary");
    await submit(host);

    type(host, "new-password", "short");
    type(host, "repeat-password", "other");
    await submit(host);
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("The two passwords are not the same.");
    expect(fetch).toHaveBeenCalledTimes(1);

    type(host, "new-password", "Nytt-Lösen-2026!");
    type(host, "repeat-password", "Nytt-Lösen-2026!");
    await submit(host);
    expect(sent(fetch, 1)[1]).toEqual({ challenge: "NEW_PASSWORD_REQUIRED", session: "h3", new_password: "Nytt-Lösen-2026!" });
    expect(session.get()?.token).toBe("tok");
  });

  it("goes back to the password when the server has forgotten the login", async () => {
    language.set("en");
    vi.stubGlobal("fetch", vi.fn()
      .mockResolvedValueOnce(reply(200, { challenge: "SOFTWARE_TOKEN_MFA", session: "h4" }))
      .mockResolvedValueOnce(reply(401, { error: "challenge_expired", message: "x" })));
    render(<LoginScreen reason={null} />, host);
    type(host, "email", "agent1@x.se");
    type(host, "password", "pw");
    await submit(host);
    type(host, "code", "123456");
    await submit(host);

    expect(host.querySelector("h1")?.textContent).toBe("ServIT");
    expect(host.querySelector('[role="status"]')?.textContent).toBe("The login took too long. Please log in again.");
  });
});

describe("the password rules", () => {
  it("name what a new password lacks, as the user pool's policy does", () => {
    expect(passwordProblems("Nytt-Lösen-2026!", "Nytt-Lösen-2026!")).toEqual([]);
    expect(passwordProblems("kort", "kort")).toEqual(["password.tooShort", "password.upper", "password.digit", "password.symbol"]);
    expect(passwordProblems("ALLA-STORA-123!", "ALLA-STORA-123!")).toEqual(["password.lower"]);
    expect(passwordProblems("Nytt-Lösen-2026!", "nytt")).toEqual(["password.mismatch"]);
  });

  it("group a secret in fours", () => {
    expect(groupedSecret("JBSWY3DPEHPK3PXPAB")).toBe("JBSW Y3DP EHPK 3PXP AB");
  });
});
