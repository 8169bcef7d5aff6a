import { type Locale, useI18n } from "../i18n";
import type { User } from "../types";
import { Link } from "./Link";

export function Header({ user, onLogout }: { user: User; onLogout: () => void }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <header className="app-header">
      <Link to="/leads" className="brand">
        {t("appName")}
      </Link>
      <nav aria-label={t("nav.leads")}>
        <Link to="/leads">{t("nav.leads")}</Link>
      </nav>
      <div className="header-tools">
        <span className="who">{t("loggedInAs", { user: user.username, role: t(`role.${user.role}`) })}</span>
        <label className="language">
          <span className="visually-hidden">{t("language")}</span>
          <select value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
        <button type="button" onClick={onLogout}>
          {t("logout")}
        </button>
      </div>
    </header>
  );
}
