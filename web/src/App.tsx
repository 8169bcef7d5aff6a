/** The shell: the session (or the login form), the header, and the page of the URL. */
import { useCallback, useEffect, useState } from "react";
import { api, setCsrfToken, whenUnauthorized } from "./api";
import { Header } from "./components/Header";
import { useI18n } from "./i18n";
import { LeadDetail } from "./pages/LeadDetail";
import { Leads } from "./pages/Leads";
import { Login } from "./pages/Login";
import { navigate, useLocation } from "./router";
import type { Session } from "./types";

type SessionState = { status: "checking" } | { status: "out" } | { status: "in"; session: Session };

export function App() {
  const { t } = useI18n();
  const [state, setState] = useState<SessionState>({ status: "checking" });
  const location = useLocation();

  const signIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: "in", session });
  }, []);
  const signOut = useCallback(() => {
    setCsrfToken(null);
    setState({ status: "out" });
  }, []);

  useEffect(() => {
    whenUnauthorized(signOut);
    api<Session>("/v1/auth/session").then(signIn, signOut);
  }, [signIn, signOut]);

  useEffect(() => {
    if (state.status === "in" && (location.path === "/" || location.path === "/login"))
      navigate("/leads", { replace: true });
  }, [state.status, location.path]);

  if (state.status === "checking") return <p className="loading">{t("loading")}</p>;
  if (state.status === "out") return <Login onLoggedIn={signIn} />;

  const logout = async () => {
    try {
      await api("/v1/auth/logout", { method: "POST" });
    } finally {
      signOut();
    }
  };
  const detail = /^\/leads\/(.+)$/.exec(location.path);
  return (
    <>
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <Header user={state.session.user} onLogout={logout} />
      <main id="main" tabIndex={-1}>
        {detail ? <LeadDetail contactId={decodeURIComponent(detail[1])} /> : <Leads />}
      </main>
    </>
  );
}
