/** The score over time (oldest first), one point per recorded change, its cause in the tooltip. */
import { CategoryScale, Chart as ChartJS, LinearScale, LineElement, PointElement, Tooltip } from "chart.js";
import { Line } from "react-chartjs-2";
import { useI18n } from "../i18n";
import type { HistoryEntry } from "../types";

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, Tooltip);

export function ScoreChart({ entries }: { entries: HistoryEntry[] }) {
  const { t, dateTime, number } = useI18n();
  const ordered = [...entries].reverse();
  const summary = ordered.map((entry) => `${dateTime(entry.at)}: ${number(entry.total)}`).join("; ");
  return (
    <div className="chart">
      <Line
        role="img"
        aria-label={`${t("detail.history")}: ${summary}`}
        data={{
          labels: ordered.map((entry) => dateTime(entry.at)),
          datasets: [
            {
              label: t("detail.score"),
              data: ordered.map((entry) => entry.total),
              borderColor: "#b4351f",
              backgroundColor: "#b4351f",
              stepped: true,
              pointRadius: 4,
            },
          ],
        }}
        options={{
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { y: { suggestedMin: 0, suggestedMax: 100 } },
          plugins: {
            tooltip: {
              callbacks: {
                afterLabel: (item) => t(`cause.${ordered[item.dataIndex].cause}`),
              },
            },
          },
        }}
      />
    </div>
  );
}
