// Login: the password, then whatever the API asks before it hands out a token (issue 11):
// a code from the authenticator app, a new password, or setting the app up (admins).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, loggedOutReason, type Session, setSession } from "../api";
import { language, t } from "../i18n";
import { errorText } from "../logic/errors";
import { groupedSecret, passwordProblems } from "../logic/passwords";
import { chooseLanguage } from "../state";
import { useStore } from "../store";
import type { Lang } from "../types";

type ChallengeName = "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED" | "MFA_SETUP";
export interface Challenge { challenge: ChallengeName; session: string; secret?: string; otpauth_uri?: string }
type Answer = Session | Challenge;

export function LoginScreen({ reason }: { reason: "expired" | null }) {
  const lang = useStore(language);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [step, setStep] = useState<Challenge | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Issue 15: the e-mail field has focus when the page opens (and when a code step goes back).
  const emailField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!step) emailField.current?.focus();
  }, [step]);

  async function send(path: string, body: unknown) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await api<Answer>("POST", path, body);
      if ("token" in result) {
        loggedOutReason.set(null);
        setSession(result);
      } else {
        setStep(result);
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === "challenge_expired") {
        setStep(null); // the server forgot this login: from the password again
        setNotice(t("login.challengeExpired"));
      } else {
        setError(e instanceof ApiError && e.code === "unauthenticated" ? t("login.failed") : errorText(e));
      }
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    setStep(null);
    setError(null);
  }

  return (
    <main id="main" class="login">
        {!step && (
          <form class="card login-card" onSubmit={(e) => { e.preventDefault(); void send("/api/auth/login", { email, password }); }} aria-labelledby="login-title">
            <h1 id="login-title">ServIT</h1>
            <p class="muted">{t("app.tagline")}</p>
            {reason === "expired" && !notice && <p class="notice notice-info" role="status">{t("login.expired")}</p>}
            {notice && <p class="notice notice-info" role="status">{notice}</p>}
            <label>
              {t("login.email")}
              <input ref={emailField} type="email" name="email" autoComplete="username" required value={email}
                onInput={(e) => setEmail(e.currentTarget.value)} />
            </label>
            <label>
              {t("login.password")}
              <input type="password" name="password" autoComplete="current-password" required value={password}
                onInput={(e) => setPassword(e.currentTarget.value)} />
            </label>
            {error && <p class="notice notice-error" role="alert">{error}</p>}
            <button type="submit" class="primary" disabled={busy}>{t("login.submit")}</button>
            <LanguageSwitch lang={lang} />
          </form>
        )}
        {step && step.challenge === "NEW_PASSWORD_REQUIRED" && (
          <NewPasswordForm lang={lang} busy={busy} error={error} onBack={restart}
            onSubmit={(newPassword) => send("/api/auth/challenge", { challenge: step.challenge, session: step.session, new_password: newPassword })} />
        )}
        {step && step.challenge !== "NEW_PASSWORD_REQUIRED" && (
          <CodeForm lang={lang} step={step} busy={busy} error={error} onBack={restart}
            onSubmit={(code) => send("/api/auth/challenge", { challenge: step.challenge, session: step.session, code })} />
        )}
    </main>
  );
}

function LanguageSwitch({ lang }: { lang: Lang }) {
  const other: Lang = lang === "sv" ? "en" : "sv";
  return (
    <p>
      <button type="button" class="link" lang={other} onClick={() => chooseLanguage(other)}>
        {t("lang.switchTo")}
      </button>
    </p>
  );
}

interface StepProps { lang: Lang; busy: boolean; error: string | null; onBack: () => void }

function CodeForm({ lang, step, busy, error, onBack, onSubmit }: StepProps & { step: Challenge; onSubmit: (code: string) => void }) {
  const [code, setCode] = useState("");
  const setup = step.challenge === "MFA_SETUP";
  return (
    <form class="card login-card" onSubmit={(e) => { e.preventDefault(); onSubmit(code); }} aria-labelledby="code-title" data-testid="login-code">
      <h1 id="code-title">{t(setup ? "login.setupTitle" : "login.codeTitle")}</h1>
      {setup && step.secret && <TotpSecret secret={step.secret} uri={step.otpauth_uri ?? ""} help={t("login.setupHelp")} />}
      <p class="muted" id="code-help">{t("login.codeHelp")}</p>
      <CodeInput value={code} onInput={setCode} />
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>{t("login.verify")}</button>
      <button type="button" class="link" onClick={onBack}>{t("login.back")}</button>
      <LanguageSwitch lang={lang} />
    </form>
  );
}

/** The six digits: numeric keyboard on phones, filled in by password managers that can. */
export function CodeInput({ value, onInput, name = "code" }: { value: string; onInput: (v: string) => void; name?: string }) {
  return (
    <label>
      {t("login.code")}
      <input type="text" name={name} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}"
        maxLength={7} required aria-describedby="code-help" value={value} onInput={(e) => onInput(e.currentTarget.value)} />
    </label>
  );
}

/** The shared secret as text in groups of four, and as an otpauth:// link for apps on this device. */
export function TotpSecret({ secret, uri, help }: { secret: string; uri: string; help: string }) {
  return (
    <>
      <p>{help}</p>
      <p>
        {t("mfa.secret")}:{" "}
        <code class="totp-secret" data-testid="totp-secret">{groupedSecret(secret)}</code>
      </p>
      {uri && <p><a href={uri}>{t("mfa.openApp")}</a></p>}
    </>
  );
}

function NewPasswordForm({ lang, busy, error, onBack, onSubmit }: StepProps & { onSubmit: (password: string) => void }) {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  const problems = passwordProblems(password, repeat);
  function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    if (problems.length === 0) onSubmit(password);
  }
  return (
    <form class="card login-card" onSubmit={submit} aria-labelledby="new-password-title" data-testid="login-new-password" noValidate>
      <h1 id="new-password-title">{t("login.newPasswordTitle")}</h1>
      <p>{t("login.newPasswordHelp")}</p>
      <p class="muted" id="password-rules">{t("password.rules")}</p>
      <label>
        {t("login.newPassword")}
        <input type="password" name="new-password" autoComplete="new-password" required aria-describedby="password-rules"
          value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <label>
        {t("login.repeatPassword")}
        <input type="password" name="repeat-password" autoComplete="new-password" required
          value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
      </label>
      {tried && problems.length > 0 && (
        <div class="notice notice-error" role="alert">
          <p>{t("password.missing")}</p>
          <ul>{problems.map((p) => <li key={p}>{t(p)}</li>)}</ul>
        </div>
      )}
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>{t("login.setPassword")}</button>
      <button type="button" class="link" onClick={onBack}>{t("login.back")}</button>
      <LanguageSwitch lang={lang} />
    </form>
  );
}
