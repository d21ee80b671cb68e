import { useState } from "preact/hooks";
import { api, ApiError, loggedOutReason, type Session, setSession } from "../api";
import { language, t } from "../i18n";
import { errorText } from "../logic/errors";
import { chooseLanguage } from "../state";
import { useStore } from "../store";

export function LoginScreen({ reason }: { reason: "expired" | null }) {
  const lang = useStore(language);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api<Session>("POST", "/api/auth/login", { email, password });
      loggedOutReason.set(null);
      setSession(result);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? t("login.failed") : errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">ServIT</h1>
        <p class="muted">{t("app.tagline")}</p>
        {reason === "expired" && <p class="notice notice-info" role="status">{t("login.expired")}</p>}
        <label>
          {t("login.email")}
          <input type="email" name="email" autoComplete="username" required value={email}
            onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t("login.password")}
          <input type="password" name="password" autoComplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="notice notice-error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{t("login.submit")}</button>
        <p>
          <button type="button" class="link" lang={lang === "sv" ? "en" : "sv"}
            onClick={() => chooseLanguage(lang === "sv" ? "en" : "sv")}>
            {t("lang.switchTo")}
          </button>
        </p>
      </form>
    </main>
  );
}
