/**
 * The analysis in one streaming pass: 1,000,000 synthetic scored contacts (results with a
 * ledger of the b2b template's rules, and outcomes that follow a latent quality), made one at a
 * time and fed to the Analyzer, then the band report, the threshold curve and advice. The same
 * contacts are first made without the analysis, so the analysis' own cost is the difference.
 * Run alone with `npm run bench -- --analytics` (`--analytics-contacts N`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Analyzer } from "../src/analytics/analyze.js";
import type { Outcome } from "../src/analytics/conversion.js";
import { adviseThreshold } from "../src/analytics/thresholds.js";
import { bandOf } from "../src/engine/thresholds.js";
import type { LedgerLine, ScoreResult, Temperature } from "../src/engine/types.js";
import { parseModel } from "../src/model/parse.js";
import { Random, sigmoid } from "../src/random/random.js";

const DAY_MS = 86_400_000;
const AS_OF = Date.parse("2026-08-01T00:00:00Z");

export interface AnalyticsBench {
  contacts: number;
  rules: number;
  generateSeconds: number;
  generateAndAnalyseSeconds: number;
  analysisSeconds: number;
  contactsPerSecond: number;
  finishMs: number;
  peakRssMb: number;
  heapUsedMb: number;
  conversions: number;
  advisedThreshold: number | null;
}

export function analyticsContacts(argv: readonly string[]): number {
  const at = argv.indexOf("--analytics-contacts");
  return at > 0 ? Number(argv[at + 1]) : 1_000_000;
}

const clamp = (x: number) => Math.min(100, Math.max(0, x));

/** One synthetic contact: rules fire more often, and it converts more, when its quality is high. */
function makeContact(
  rng: Random,
  rules: readonly { id: string; dimension: string; points: number }[],
): { result: ScoreResult; outcome: Outcome } {
  const quality = rng.normal();
  const ledger: LedgerLine[] = [];
  const sums: Record<string, number> = { fit: 0, engagement: 0 };
  const fires = 0.05 + 0.25 * sigmoid(quality);
  for (const rule of rules) {
    if (!rng.chance(fires)) continue;
    const points = rule.points;
    sums[rule.dimension] += points;
    ledger.push({
      dimension: rule.dimension,
      ruleId: rule.id,
      kind: "property",
      points,
      basePoints: points,
      decayedPoints: points,
      reason: "",
      label: rule.id,
    });
  }
  const fit = clamp(sums.fit);
  const engagement = clamp(sums.engagement);
  const total = clamp(fit + engagement);
  const temperature: Temperature = total >= 70 ? "hot" : total >= 40 ? "warm" : "cold";
  const disqualified = rng.chance(0.1);
  const result: ScoreResult = {
    total,
    dimensions: { fit, engagement },
    band: bandOf(total),
    temperature,
    fitGrade: fit >= 50 ? "A" : fit >= 30 ? "B" : fit >= 15 ? "C" : "D",
    engagementGrade: engagement >= 50 ? "1" : engagement >= 20 ? "2" : "3",
    matrix: null,
    mql: !disqualified && total >= 60,
    disqualified,
    disqualifications: [],
    ledger,
  };
  result.matrix = `${result.fitGrade}${result.engagementGrade}`;
  const converted = rng.chance(sigmoid(1.2 * quality - 3.2));
  const outcome = converted
    ? { converted, convertedAtMs: AS_OF + rng.uniform(-60, 150) * DAY_MS }
    : { converted };
  return { result, outcome };
}

export function benchAnalytics(contacts: number): AnalyticsBench {
  const model = parseModel(
    readFileSync(join(process.cwd(), "src/model/templates/b2b.yaml"), "utf8"),
    "b2b.yaml",
  );
  const pointsOf = (rule: object) => ("points" in rule && typeof rule.points === "number" ? rule.points : 8);
  const rules = model.dimensions.flatMap((d) =>
    d.rules.map((r) => ({ id: r.id, dimension: d.id, points: pointsOf(r) })),
  );
  let start = performance.now();
  const rng = new Random(1);
  for (let i = 0; i < contacts; i++) makeContact(rng, rules);
  const generateSeconds = (performance.now() - start) / 1000;
  const analyzer = new Analyzer(model, { asOfMs: AS_OF, horizonDays: 90, periodDays: 91 });
  rng.reseed(1);
  start = performance.now();
  for (let i = 0; i < contacts; i++) {
    const { result, outcome } = makeContact(rng, rules);
    analyzer.add(result, outcome);
  }
  const finishStart = performance.now();
  const analysis = analyzer.finish();
  const advice = adviseThreshold(analysis.thresholds, { kind: "catch", share: 0.5 });
  const end = performance.now();
  const generateAndAnalyseSeconds = (end - start) / 1000;
  const analysisSeconds = Math.max(0, generateAndAnalyseSeconds - generateSeconds);
  return {
    contacts,
    rules: rules.length,
    generateSeconds,
    generateAndAnalyseSeconds,
    analysisSeconds,
    contactsPerSecond: contacts / analysisSeconds,
    finishMs: end - finishStart,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    conversions: analysis.population.conversions,
    advisedThreshold: advice.threshold,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function analyticsTable(r: AnalyticsBench): string {
  return [
    `| analysis: ${fmt(r.contacts)} contacts x ${r.rules} rules | making the contacts (s) | making + analysing (s) | analysis alone (s) | contacts/s | finish (ms) | peak RSS (MB) | heap after (MB) |`,
    "|---|---|---|---|---|---|---|---|",
    `| one pass | ${r.generateSeconds.toFixed(2)} | ${r.generateAndAnalyseSeconds.toFixed(2)} | ${r.analysisSeconds.toFixed(2)} | ${fmt(r.contactsPerSecond)} | ${r.finishMs.toFixed(1)} | ${r.peakRssMb} | ${r.heapUsedMb} |`,
    "",
    `conversions within the horizon: ${fmt(r.conversions)}; threshold catching half the customers: ${r.advisedThreshold}`,
  ].join("\n");
}
