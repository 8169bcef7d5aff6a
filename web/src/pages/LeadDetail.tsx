/** The lead record (fiche lead): why the score, the prediction, the timeline and the score history. */
import { useEffect, useState } from "react";
import { ApiError, api } from "../api";
import { Ledger } from "../components/Ledger";
import { Link } from "../components/Link";
import { ScoreChart } from "../components/ScoreChart";
import { Temperature } from "../components/Temperature";
import { type I18n, useI18n } from "../i18n";
import type { ContactScores, History, HistoryEntry, LedgerLine } from "../types";

interface Loaded {
  scores: ContactScores;
  history: History;
}

function contactName(scores: ContactScores): string {
  const { firstName, lastName } = scores.contact.properties as { firstName?: string; lastName?: string };
  const name = [firstName, lastName].filter(Boolean).join(" ");
  return name || scores.contact.email || scores.contact.id;
}

/** The rules that counted each event, from the ledger's evidence. */
function rulesByEvent(ledger: LedgerLine[]): Map<string, string[]> {
  const rules = new Map<string, string[]>();
  for (const line of ledger)
    for (const id of line.eventIds ?? [])
      rules.set(id, [...(rules.get(id) ?? []), line.label ?? line.ruleId]);
  return rules;
}

function causeText(entry: HistoryEntry, i18n: I18n, rules: Map<string, string[]>): string {
  const cause = i18n.t(`cause.${entry.cause}`);
  const ids = Array.isArray(entry.detail.eventIds) ? (entry.detail.eventIds as string[]) : [];
  if (entry.cause !== "event" || ids.length === 0) return cause;
  const counted = [...new Set(ids.flatMap((id) => rules.get(id) ?? []))];
  const events = i18n.t("detail.events", { count: i18n.number(ids.length) });
  const details =
    counted.length > 0
      ? `${events}, ${i18n.t("detail.rulesOfEvents", { rules: counted.join(", ") })}`
      : events;
  return i18n.t("detail.causeWith", { cause, details });
}

export function LeadDetail({ contactId }: { contactId: string }) {
  const i18n = useI18n();
  const { t, number, percent, dateTime } = i18n;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);

  useEffect(() => {
    let live = true;
    const id = encodeURIComponent(contactId);
    Promise.all([
      api<ContactScores>(`/v1/contacts/${id}/score?predictions=true`),
      api<History>(`/v1/contacts/${id}/history?limit=200`),
    ]).then(
      ([scores, history]) => live && setLoaded({ scores, history }),
      (caught: Error) =>
        live && setError({ status: caught instanceof ApiError ? caught.status : 0, message: caught.message }),
    );
    return () => {
      live = false;
    };
  }, [contactId]);

  if (error)
    return (
      <section>
        <Link to="/leads">← {t("detail.back")}</Link>
        <p role="alert" className="form-error">
          {error.status === 404 ? t("detail.notFound") : t("error", { message: error.message })}
        </p>
      </section>
    );
  if (!loaded) return <p>{t("loading")}</p>;

  const { scores, history } = loaded;
  const score = scores.scores[0];
  const props = scores.contact.properties as Record<string, string | number | undefined>;
  const prediction = scores.predictions?.[0];
  const rules = rulesByEvent(score?.ledger ?? []);
  const entries = history.entries.filter((entry) => !score || entry.model.key === score.model.key);

  return (
    <article aria-labelledby="lead-title" className="lead-detail">
      <Link to="/leads" className="back">
        ← {t("detail.back")}
      </Link>
      <p className="eyebrow">{t("detail.title")}</p>
      <h1 id="lead-title">{contactName(scores)}</h1>
      <p className="muted">
        {[props.jobTitle, scores.contact.email, props.country].filter(Boolean).join(" · ")}
      </p>
      {score && (
        <dl className="summary">
          <div>
            <dt>{t("detail.score")}</dt>
            <dd className="big" data-field="score">
              {number(score.total)}
            </dd>
          </div>
          <div>
            <dt>{t("col.temperature")}</dt>
            <dd>
              <Temperature value={score.temperature} />
            </dd>
          </div>
          <div>
            <dt>{t("col.grade")}</dt>
            <dd>{score.matrix ?? "–"}</dd>
          </div>
          <div>
            <dt>{t("col.mql")}</dt>
            <dd>{score.mql ? <span className="mql">MQL</span> : t("no")}</dd>
          </div>
          <div>
            <dt>{t("col.band")}</dt>
            <dd>{score.band}</dd>
          </div>
        </dl>
      )}
      {score?.disqualified && (
        <section className="gates" aria-labelledby="gates-title">
          <h2 id="gates-title">{t("detail.gates")}</h2>
          <ul>
            {score.disqualifications.map((gate) => (
              <li key={gate.gateId}>{gate.label ?? gate.reason}</li>
            ))}
          </ul>
        </section>
      )}
      {score && (
        <section aria-labelledby="why-title">
          <h2 id="why-title">{score.temperature === "hot" ? t("detail.whyHot") : t("detail.why")}</h2>
          <Ledger score={score} />
        </section>
      )}
      {prediction && (
        <section aria-labelledby="prediction-title">
          <h2 id="prediction-title">{t("detail.prediction")}</h2>
          <p>
            {t("detail.probability", {
              probability: percent(prediction.probability),
              days: number(prediction.horizonDays),
              tier: prediction.tier,
            })}
          </p>
          <div className="factors">
            <div>
              <h3>{t("detail.factorsUp")}</h3>
              <ul>
                {prediction.factors.up.map((factor) => (
                  <li key={factor.feature}>{factor.text}</li>
                ))}
              </ul>
            </div>
            <div>
              <h3>{t("detail.factorsDown")}</h3>
              <ul>
                {prediction.factors.down.map((factor) => (
                  <li key={factor.feature}>{factor.text}</li>
                ))}
              </ul>
            </div>
          </div>
        </section>
      )}
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("detail.history")}</h2>
        {entries.length === 0 ? <p>{t("detail.noHistory")}</p> : <ScoreChart entries={entries} />}
      </section>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("detail.timeline")}</h2>
        {entries.length > 0 && (
          <div className="table-scroll">
            <table className="timeline">
              <thead>
                <tr>
                  <th scope="col">{t("detail.when")}</th>
                  <th scope="col">{t("detail.cause")}</th>
                  <th scope="col" className="num">
                    {t("detail.change")}
                  </th>
                  <th scope="col" className="num">
                    {t("detail.scoreAfter")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => {
                  const change = entry.total - (entry.previousTotal ?? 0);
                  return (
                    <tr key={entry.seq}>
                      <td>{dateTime(entry.at)}</td>
                      <td>{causeText(entry, i18n, rules)}</td>
                      <td className={`num ${change < 0 ? "down" : change > 0 ? "up" : ""}`}>
                        {change > 0 ? "+" : ""}
                        {number(Math.round(change * 100) / 100)}
                      </td>
                      <td className="num">{number(entry.total)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
