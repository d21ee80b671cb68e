// TOTP on the user's own profile (issue 11): turn it on (password, then the app's first
// code) or off (password and a code). Admins may not turn it off while admins must have it.
import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { CodeInput, TotpSecret } from "../screens/Login";
import { say } from "../state";

interface MfaStatus { enabled: boolean; required: boolean }
interface Setup { session: string; secret: string; otpauth_uri: string }
type Mode = "idle" | "password" | "code" | "off";

export function MfaSettings() {
  const [status, setStatus] = useState<MfaStatus | null>(null);
  const [mode, setMode] = useState<Mode>("idle");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [setup, setSetup] = useState<Setup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void get<MfaStatus>("/api/me/mfa").then(setStatus).catch((e) => say(errorText(e), "error")), []);
  if (!status) return null;

  function reset(next: Mode = "idle") {
    setMode(next);
    setPassword("");
    setCode("");
    setSetup(null);
    setError(null);
  }
  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      if (mode === "password") {
        setSetup(await api<Setup>("POST", "/api/me/mfa/setup", { password }));
        setMode("code");
      } else if (mode === "code" && setup) {
        setStatus(await api<MfaStatus>("POST", "/api/me/mfa/confirm", { session: setup.session, code }));
        reset();
        say(t("mfa.turnedOn"));
      } else if (mode === "off") {
        setStatus(await api<MfaStatus>("POST", "/api/me/mfa/disable", { password, code }));
        reset();
        say(t("mfa.turnedOff"));
      }
    });
  };
  return (
    <section class="card form-grid" aria-labelledby="mfa-title" data-testid="mfa-settings">
      <h2 id="mfa-title" class="wide">{t("mfa.title")}</h2>
      <p class="wide" role="status">{t(status.enabled ? "mfa.on" : "mfa.off")}</p>
      {status.enabled && status.required && <p class="wide muted">{t("mfa.required")}</p>}
      {mode === "idle" && !status.enabled && (
        <div class="wide"><button type="button" onClick={() => reset("password")}>{t("mfa.turnOn")}</button></div>
      )}
      {mode === "idle" && status.enabled && !status.required && (
        <div class="wide"><button type="button" onClick={() => reset("off")}>{t("mfa.turnOff")}</button></div>
      )}
      {mode !== "idle" && (
        <form class="wide stack" onSubmit={submit}>
          {mode === "code" && setup ? (
            <>
              <TotpSecret secret={setup.secret} uri={setup.otpauth_uri} help={t("mfa.setupHelp")} />
              <p class="muted" id="code-help">{t("login.codeHelp")}</p>
              <CodeInput value={code} onInput={setCode} name="mfa-code" />
            </>
          ) : (
            <>
              <p class="muted" id="code-help">{t(mode === "off" ? "mfa.offHelp" : "mfa.passwordHelp")}</p>
              <label>
                {t("login.password")}
                <input type="password" name="mfa-password" autoComplete="current-password" required
                  value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
              </label>
              {mode === "off" && <CodeInput value={code} onInput={setCode} name="mfa-code" />}
            </>
          )}
          {error && <p class="notice notice-error" role="alert">{error}</p>}
          <div class="row">
            <button type="submit" class="primary" disabled={busy}>
              {t(mode === "off" ? "mfa.turnOff" : mode === "code" ? "mfa.confirm" : "mfa.turnOn")}
            </button>
            <button type="button" onClick={() => reset()}>{t("mfa.cancel")}</button>
          </div>
        </form>
      )}
    </section>
  );
}
