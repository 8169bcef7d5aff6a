/**
 * English and French, switchable: the field's own French words (froid / tiède / chaud, MQL,
 * fiche lead), numbers and dates formatted by Intl in the chosen locale.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";

export type Locale = "en" | "fr";

const en = {
  appName: "Leadscore",
  skipToContent: "Skip to content",
  language: "Language",
  logout: "Log out",
  loggedInAs: "Logged in as {user} ({role})",
  "role.admin": "admin",
  "role.marketing": "marketing",
  "role.sales": "sales",
  "nav.leads": "Leads",
  "login.title": "Log in to Leadscore",
  "login.username": "User name",
  "login.password": "Password",
  "login.submit": "Log in",
  "login.failed": "Unknown user name or wrong password.",
  "login.tooMany": "Too many failed attempts; try again in a minute.",
  "login.hint": "On first start the admin's password is printed by npm start, next to the dashboard's URL.",
  "leads.title": "Leads",
  "leads.subtitle": "Ranked by score, model {model}",
  "leads.search": "Search name, email or company",
  "leads.temperature": "Temperature",
  "leads.mql": "MQL",
  "leads.band": "Band",
  "leads.grade": "Fit grade",
  "leads.all": "All",
  "leads.yes": "Yes",
  "leads.no": "No",
  "leads.export": "Export CSV",
  "leads.empty": "No lead matches these filters.",
  "leads.previous": "Previous page",
  "leads.next": "Next page",
  "leads.page": "Page {page}",
  "leads.newHot": "{count} new hot lead(s): {names}",
  "leads.showNew": "Show",
  "col.rank": "#",
  "col.lead": "Lead",
  "col.company": "Company",
  "col.score": "Score",
  "col.temperature": "Temperature",
  "col.grade": "Grade",
  "col.mql": "MQL",
  "col.band": "Band",
  "col.prediction": "Predicted",
  "temperature.hot": "hot",
  "temperature.warm": "warm",
  "temperature.cold": "cold",
  "temperature.none": "none",
  "detail.title": "Lead record",
  "detail.back": "Back to leads",
  "detail.score": "Score",
  "detail.why": "Why this score?",
  "detail.whyHot": "Why is this lead hot?",
  "detail.dimension": "Dimension",
  "detail.rule": "Rule",
  "detail.points": "Points",
  "detail.dimensionTotal": "{dimension} score",
  "detail.decayed": "decayed from {base}",
  "detail.capped": "capped from {from}",
  "detail.counted": "{counted} of {occurrences} counted",
  "detail.total": "Total",
  "detail.weight": "{dimension} × {weight}",
  "detail.clamp": "kept within the scale",
  "detail.disqualified": "Disqualified",
  "detail.gates": "Disqualification",
  "detail.prediction": "Prediction",
  "detail.probability": "{probability} chance to convert within {days} days (tier {tier})",
  "detail.factorsUp": "Pushes up",
  "detail.factorsDown": "Pushes down",
  "detail.history": "Score history",
  "detail.timeline": "Timeline",
  "detail.when": "When",
  "detail.cause": "Cause",
  "detail.change": "Change",
  "detail.scoreAfter": "Score after",
  "detail.noHistory": "No change recorded yet.",
  "detail.events": "{count} event(s)",
  "detail.rulesOfEvents": "counted by: {rules}",
  "detail.causeWith": "{cause}: {details}",
  "cause.event": "Activity",
  "cause.properties": "Properties changed",
  "cause.company": "Company changed",
  "cause.model": "New model version",
  "cause.decay": "Decay over time",
  "cause.merge": "Merged contact",
  "cause.lifecycle": "Stage or owner",
  "detail.notFound": "This lead does not exist.",
  loading: "Loading…",
  error: "Something went wrong: {message}",
  yes: "yes",
  no: "no",
};

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  appName: "Leadscore",
  skipToContent: "Aller au contenu",
  language: "Langue",
  logout: "Se déconnecter",
  loggedInAs: "Connecté : {user} ({role})",
  "role.admin": "admin",
  "role.marketing": "marketing",
  "role.sales": "commercial",
  "nav.leads": "Leads",
  "login.title": "Connexion à Leadscore",
  "login.username": "Nom d'utilisateur",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",
  "login.failed": "Utilisateur inconnu ou mot de passe erroné.",
  "login.tooMany": "Trop de tentatives échouées ; réessayez dans une minute.",
  "login.hint":
    "Au premier démarrage, npm start affiche le mot de passe de l'admin à côté de l'adresse du tableau de bord.",
  "leads.title": "Leads",
  "leads.subtitle": "Classés par score, modèle {model}",
  "leads.search": "Rechercher un nom, un e-mail ou une entreprise",
  "leads.temperature": "Température",
  "leads.mql": "MQL",
  "leads.band": "Tranche",
  "leads.grade": "Note de profil",
  "leads.all": "Tous",
  "leads.yes": "Oui",
  "leads.no": "Non",
  "leads.export": "Exporter en CSV",
  "leads.empty": "Aucun lead ne correspond à ces filtres.",
  "leads.previous": "Page précédente",
  "leads.next": "Page suivante",
  "leads.page": "Page {page}",
  "leads.newHot": "{count} nouveau(x) lead(s) chaud(s) : {names}",
  "leads.showNew": "Afficher",
  "col.rank": "#",
  "col.lead": "Lead",
  "col.company": "Entreprise",
  "col.score": "Score",
  "col.temperature": "Température",
  "col.grade": "Note",
  "col.mql": "MQL",
  "col.band": "Tranche",
  "col.prediction": "Prédiction",
  "temperature.hot": "chaud",
  "temperature.warm": "tiède",
  "temperature.cold": "froid",
  "temperature.none": "aucune",
  "detail.title": "Fiche lead",
  "detail.back": "Retour aux leads",
  "detail.score": "Score",
  "detail.why": "Pourquoi ce score ?",
  "detail.whyHot": "Pourquoi ce lead est-il chaud ?",
  "detail.dimension": "Dimension",
  "detail.rule": "Règle",
  "detail.points": "Points",
  "detail.dimensionTotal": "Score {dimension}",
  "detail.decayed": "atténué depuis {base}",
  "detail.capped": "plafonné depuis {from}",
  "detail.counted": "{counted} sur {occurrences} comptés",
  "detail.total": "Total",
  "detail.weight": "{dimension} × {weight}",
  "detail.clamp": "ramené dans l'échelle",
  "detail.disqualified": "Disqualifié",
  "detail.gates": "Disqualification",
  "detail.prediction": "Prédiction",
  "detail.probability": "{probability} de chances de conversion sous {days} jours (niveau {tier})",
  "detail.factorsUp": "Fait monter",
  "detail.factorsDown": "Fait baisser",
  "detail.history": "Historique du score",
  "detail.timeline": "Chronologie",
  "detail.when": "Quand",
  "detail.cause": "Cause",
  "detail.change": "Variation",
  "detail.scoreAfter": "Score après",
  "detail.noHistory": "Aucun changement enregistré.",
  "detail.events": "{count} événement(s)",
  "detail.rulesOfEvents": "comptés par : {rules}",
  "detail.causeWith": "{cause} : {details}",
  "cause.event": "Activité",
  "cause.properties": "Propriétés modifiées",
  "cause.company": "Entreprise modifiée",
  "cause.model": "Nouvelle version du modèle",
  "cause.decay": "Atténuation dans le temps",
  "cause.merge": "Contact fusionné",
  "cause.lifecycle": "Étape ou propriétaire",
  "detail.notFound": "Ce lead n'existe pas.",
  loading: "Chargement…",
  error: "Une erreur est survenue : {message}",
  yes: "oui",
  no: "non",
};

const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, fr };
const STORAGE_KEY = "leadscore.locale";

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  percent(value: number): string;
  dateTime(iso: string): string;
  date(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const saved = window.localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "fr") return saved;
  return window.navigator.language.toLowerCase().startsWith("fr") ? "fr" : "en";
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const tag = locale === "fr" ? "fr-FR" : "en-GB";
    const numbers = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
    const percents = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 });
    const dateTimes = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" });
    const dates = new Intl.DateTimeFormat(tag, { dateStyle: "medium" });
    return {
      locale,
      setLocale,
      t: (key, values) =>
        MESSAGES[locale][key].replace(/\{(\w+)\}/g, (_, name: string) =>
          String(values?.[name] ?? `{${name}}`),
        ),
      number: (n, options) => (options ? new Intl.NumberFormat(tag, options).format(n) : numbers.format(n)),
      percent: (n) => percents.format(n),
      dateTime: (iso) => dateTimes.format(new Date(iso)),
      date: (iso) => dates.format(new Date(iso)),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error("useI18n outside I18nProvider");
  return i18n;
}
