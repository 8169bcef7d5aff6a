/**
 * "Why this score?": each dimension with its ledger lines, which add up to its score, then how
 * the dimensions make the total. Decayed and capped points are said as such.
 */
import { useI18n } from "../i18n";
import type { ContactScore, LedgerLine } from "../types";

/** Two decimals, as the engine keeps them: sums of lines compare exactly. */
const round2 = (n: number) => Math.round(n * 100) / 100;

function LineNotes({ line }: { line: LedgerLine }) {
  const { t, number } = useI18n();
  const notes: string[] = [];
  if (
    line.countedOccurrences !== undefined &&
    line.occurrences !== undefined &&
    line.countedOccurrences < line.occurrences
  )
    notes.push(
      t("detail.counted", {
        counted: number(line.countedOccurrences),
        occurrences: number(line.occurrences),
      }),
    );
  if (round2(line.decayedPoints) !== round2(line.basePoints))
    notes.push(t("detail.decayed", { base: number(line.basePoints) }));
  if (round2(line.points) !== round2(line.decayedPoints))
    notes.push(t("detail.capped", { from: number(line.decayedPoints) }));
  if (notes.length === 0) return null;
  return <span className="line-notes">{notes.join(" · ")}</span>;
}

function Dimension({ id, score, lines }: { id: string; score: number; lines: LedgerLine[] }) {
  const { t, number } = useI18n();
  return (
    <table className="ledger" data-dimension={id}>
      <caption>
        {t("detail.dimensionTotal", { dimension: id })}:{" "}
        <strong data-field="dimension-score">{number(score)}</strong>
      </caption>
      <thead>
        <tr>
          <th scope="col">{t("detail.rule")}</th>
          <th scope="col" className="num">
            {t("detail.points")}
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={`${line.ruleId}-${line.kind}`} className={line.points < 0 ? "negative" : undefined}>
            <td>
              <span className="line-label">{line.label ?? line.reason}</span>
              <LineNotes line={line} />
            </td>
            <td className="num" data-points={line.points}>
              {line.points > 0 ? "+" : ""}
              {number(line.points)}
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">= {t("detail.dimensionTotal", { dimension: id })}</th>
          <td className="num strong">{number(score)}</td>
        </tr>
      </tfoot>
    </table>
  );
}

export function Ledger({ score }: { score: ContactScore }) {
  const { t, number } = useI18n();
  const ledger = score.ledger ?? [];
  const dimensionIds = Object.keys(score.dimensions);
  return (
    <div className="ledgers">
      {dimensionIds.map((id) => (
        <Dimension
          key={id}
          id={id}
          score={score.dimensions[id]}
          lines={ledger.filter((line) => line.dimension === id)}
        />
      ))}
      {score.totalLines && (
        <table className="ledger total-lines">
          <caption>
            {t("detail.total")}: <strong data-field="total">{number(score.total)}</strong>
          </caption>
          <tbody>
            {score.totalLines.map((line) => (
              <tr key={line.dimension}>
                <th scope="row">
                  {line.dimension === "clamp"
                    ? t("detail.clamp")
                    : t("detail.weight", { dimension: line.dimension, weight: number(line.weight) })}
                </th>
                <td className="num" data-points={line.points}>
                  {line.points > 0 ? "+" : ""}
                  {number(line.points)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">= {t("detail.total")}</th>
              <td className="num strong">{number(score.total)}</td>
            </tr>
          </tfoot>
        </table>
      )}
    </div>
  );
}
