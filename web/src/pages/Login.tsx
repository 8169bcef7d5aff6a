import { type FormEvent, useState } from "react";
import { ApiError, api } from "../api";
import { type Locale, useI18n } from "../i18n";
import type { Session } from "../types";

export function Login({ onLoggedIn }: { onLoggedIn: (session: Session) => void }) {
  const { t, locale, setLocale } = useI18n();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api<Session>("/v1/auth/login", { method: "POST", body: { username, password } }));
    } catch (caught) {
      const status = caught instanceof ApiError ? caught.status : 0;
      setError(
        status === 401
          ? t("login.failed")
          : status === 429
            ? t("login.tooMany")
            : t("error", { message: (caught as Error).message }),
      );
      setBusy(false);
    }
  };

  return (
    <main className="login-page" id="main">
      <form className="login-form" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-top">
          <h1 id="login-title">{t("login.title")}</h1>
          <label className="language">
            <span className="visually-hidden">{t("language")}</span>
            <select value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
              <option value="en">English</option>
              <option value="fr">Français</option>
            </select>
          </label>
        </div>
        <label>
          {t("login.username")}
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          {t("login.password")}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
        <p className="hint">{t("login.hint")}</p>
      </form>
    </main>
  );
}
