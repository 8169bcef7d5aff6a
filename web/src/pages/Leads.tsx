/** The ranked leads: filters kept in the URL, server-side pages, CSV export, new hot leads by polling. */
import { type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import { api, queryString } from "../api";
import { Link } from "../components/Link";
import { Temperature } from "../components/Temperature";
import { useI18n } from "../i18n";
import { leadPath, navigate, useLocation } from "../router";
import type { RankedScore, RankedScores } from "../types";

const PAGE_SIZE = 25;
const POLL_MS = 15_000;
const BANDS = ["0-20", "21-40", "41-60", "61-80", "81-100"];
const FILTERS = ["search", "temperature", "mql", "band", "fitGrade"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((name) => [name, search.get(name) ?? ""])) as Filters;
}

/** A label above its control, tied by id (a wrapping label would name the select by its value too). */
function Field({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

export function Leads() {
  const { t, number, percent } = useI18n();
  const location = useLocation();
  const filters = useMemo(() => filtersOf(location.search), [location.search]);
  const [searchText, setSearchText] = useState(filters.search);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<RankedScores | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [newHot, setNewHot] = useState<RankedScore[]>([]);
  const knownHot = useRef<Set<string> | null>(null);
  const cursor = cursors[cursors.length - 1];
  const filterQuery = queryString(filters);

  const setFilter = (name: keyof Filters, value: string) => {
    const next = { ...filters, [name]: value };
    navigate(`/leads${queryString(next)}`, { replace: true });
    setCursors([null]);
  };

  // The search box applies once typing pauses.
  useEffect(() => {
    if (searchText.trim() === filters.search) return;
    const timer = window.setTimeout(() => setFilter("search", searchText.trim()), 300);
    return () => window.clearTimeout(timer);
  });

  useEffect(() => {
    let live = true;
    const query = `${filterQuery}${filterQuery ? "&" : "?"}limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    void refresh;
    api<RankedScores>(`/v1/scores${query}`).then(
      (answer) => {
        if (!live) return;
        setPage(answer);
        setError(null);
      },
      (caught: Error) => live && setError(caught.message),
    );
    return () => {
      live = false;
    };
  }, [filterQuery, cursor, refresh]);

  // New hot leads: the hot list is polled; a contact not seen hot before is announced.
  useEffect(() => {
    const poll = async () => {
      const answer = await api<RankedScores>("/v1/scores?temperature=hot&limit=100").catch(() => null);
      if (!answer) return;
      const ids = new Set(answer.items.map((item) => item.contactId));
      if (knownHot.current) {
        const fresh = answer.items.filter((item) => !knownHot.current?.has(item.contactId));
        if (fresh.length > 0) setNewHot((previous) => [...fresh, ...previous].slice(0, 10));
      }
      knownHot.current = ids;
    };
    void poll();
    const timer = window.setInterval(poll, POLL_MS);
    return () => window.clearInterval(timer);
  }, []);

  const items = page?.items ?? [];
  const dimensionIds = Object.keys(items[0]?.dimensions ?? {});
  const withPrediction = items.some((item) => item.prediction !== null);
  const first = (cursors.length - 1) * PAGE_SIZE;

  return (
    <section aria-labelledby="leads-title">
      <div className="page-head">
        <div>
          <h1 id="leads-title">{t("leads.title")}</h1>
          {page && (
            <p className="subtitle">
              {t("leads.subtitle", { model: `${page.model.key} v${page.model.version}` })}
            </p>
          )}
        </div>
        <a className="button" href={`/v1/scores/export${filterQuery}`} download>
          {t("leads.export")}
        </a>
      </div>
      <div aria-live="polite" className="live-region">
        {newHot.length > 0 && (
          <p className="new-hot">
            {t("leads.newHot", {
              count: newHot.length,
              names: newHot.map((item) => item.name ?? item.email ?? item.contactId).join(", "),
            })}{" "}
            <button
              type="button"
              onClick={() => {
                setNewHot([]);
                setCursors([null]);
                setRefresh((n) => n + 1);
              }}
            >
              {t("leads.showNew")}
            </button>
          </p>
        )}
      </div>
      <search>
        <form className="filters" onSubmit={(event) => event.preventDefault()}>
          <Field label={t("leads.search")} className="search">
            {(id) => (
              <input
                id={id}
                type="search"
                value={searchText}
                onChange={(event) => setSearchText(event.target.value)}
              />
            )}
          </Field>
          <Field label={t("leads.temperature")}>
            {(id) => (
              <select
                id={id}
                value={filters.temperature}
                onChange={(event) => setFilter("temperature", event.target.value)}
              >
                <option value="">{t("leads.all")}</option>
                <option value="hot">{t("temperature.hot")}</option>
                <option value="warm">{t("temperature.warm")}</option>
                <option value="cold">{t("temperature.cold")}</option>
              </select>
            )}
          </Field>
          <Field label={t("leads.mql")}>
            {(id) => (
              <select id={id} value={filters.mql} onChange={(event) => setFilter("mql", event.target.value)}>
                <option value="">{t("leads.all")}</option>
                <option value="true">{t("leads.yes")}</option>
                <option value="false">{t("leads.no")}</option>
              </select>
            )}
          </Field>
          <Field label={t("leads.band")}>
            {(id) => (
              <select
                id={id}
                value={filters.band}
                onChange={(event) => setFilter("band", event.target.value)}
              >
                <option value="">{t("leads.all")}</option>
                {BANDS.map((band) => (
                  <option key={band} value={band}>
                    {band}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("leads.grade")}>
            {(id) => (
              <select
                id={id}
                value={filters.fitGrade}
                onChange={(event) => setFilter("fitGrade", event.target.value)}
              >
                <option value="">{t("leads.all")}</option>
                {["A", "B", "C", "D"].map((grade) => (
                  <option key={grade} value={grade}>
                    {grade}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </form>
      </search>
      {error && (
        <p className="form-error" role="alert">
          {t("error", { message: error })}
        </p>
      )}
      {!page && !error && <p>{t("loading")}</p>}
      {page && items.length === 0 && <p className="empty">{t("leads.empty")}</p>}
      {items.length > 0 && (
        <div className="table-scroll">
          <table className="leads-table">
            <caption className="visually-hidden">{t("leads.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("col.rank")}</th>
                <th scope="col">{t("col.lead")}</th>
                <th scope="col">{t("col.company")}</th>
                <th scope="col" className="num">
                  {t("col.score")}
                </th>
                <th scope="col">{t("col.temperature")}</th>
                <th scope="col">{t("col.grade")}</th>
                <th scope="col">{t("col.mql")}</th>
                <th scope="col">{t("col.band")}</th>
                {dimensionIds.map((id) => (
                  <th scope="col" className="num" key={id}>
                    {id}
                  </th>
                ))}
                {withPrediction && <th scope="col">{t("col.prediction")}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((item, index) => (
                <tr key={item.contactId} data-contact={item.contactId}>
                  <td className="num">{number(first + index + 1)}</td>
                  <td>
                    <Link to={leadPath(item.contactId)} className="lead-name">
                      {item.name ?? item.email ?? item.contactId}
                    </Link>
                    {item.name && item.email && <div className="muted">{item.email}</div>}
                  </td>
                  <td>{item.company ?? ""}</td>
                  <td className="num strong" data-field="total">
                    {number(item.total)}
                  </td>
                  <td data-field="temperature">
                    <Temperature value={item.temperature} />
                  </td>
                  <td data-field="matrix">{item.matrix ?? "–"}</td>
                  <td data-field="mql">{item.mql ? <span className="mql">MQL</span> : t("no")}</td>
                  <td data-field="band">{item.band}</td>
                  {dimensionIds.map((id) => (
                    <td className="num" key={id}>
                      {number(item.dimensions[id] ?? 0)}
                    </td>
                  ))}
                  {withPrediction && (
                    <td>
                      {item.prediction
                        ? `${percent(item.prediction.probability)} (${item.prediction.tier})`
                        : ""}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (
        <nav className="pager" aria-label={t("leads.page", { page: cursors.length })}>
          <button
            type="button"
            disabled={cursors.length === 1}
            onClick={() => setCursors((stack) => stack.slice(0, -1))}
          >
            {t("leads.previous")}
          </button>
          <span>{t("leads.page", { page: cursors.length })}</span>
          <button
            type="button"
            disabled={!page.next}
            onClick={() => setCursors((stack) => [...stack, page.next])}
          >
            {t("leads.next")}
          </button>
        </nav>
      )}
    </section>
  );
}
