/**
 * A scorecard written as a Leadscore model file: one dimension, one `cases` rule per feature,
 * one case per bin with its points. The rule engine then gives every contact the same total as
 * `scoreWithScorecard`, and a marketer can read, edit and version the points like any other
 * model. How each bin becomes a condition:
 * - numeric ranges: `lt: upper` in ascending order (the first case that holds wins), the last
 *   range `gte: lower`; a missing or non-numeric value matches none and falls to `otherwise`,
 *   which holds the missing bin's points;
 * - levels: `in` (or `equals`) with `caseSensitive: true`, because the data set tells "Google"
 *   from "google"; the missing bin is `present: false` or one of the texts the loader read as
 *   missing ("Select"); `otherwise` holds the points of rare and unseen levels.
 */
import { Document, isMap, isPair, isScalar, visit } from "yaml";
import type { CasesRuleFile, ConditionFile, FieldType, ModelFile } from "../model/format.js";
import type { Scorecard, ScorecardBin, ScorecardFeature } from "./scorecard.js";

export interface ScorecardModelOptions {
  name?: string;
  version?: string | number;
  description?: string;
  /** Texts the training loader read as missing (e.g. "Select", a form's placeholder). */
  missingTokens?: string[];
  /** Dimension id of the scorecard's points. Default "predicted". */
  dimension?: string;
}

/** A field path the engine reads as this contact field, even when the name holds a dot. */
function fieldPath(name: string): string {
  return name.includes(".") ? `contact.${name}` : name;
}

/** Rule ids allow letters, digits, '_', '-' and '.'; features are named freely. */
function ruleIds(features: readonly ScorecardFeature[]): string[] {
  const used = new Set<string>();
  return features.map((feature, k) => {
    const base =
      feature.feature
        .replace(/[^A-Za-z0-9_.-]+/g, "-")
        .replace(/^[^A-Za-z0-9]+/, "")
        .replace(/-+$/, "")
        .toLowerCase() || `feature-${k + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}

function numericCases(field: string, bins: ScorecardBin[]): CasesRuleFile["cases"] {
  const ranges = bins.filter((bin) => bin.kind === "range");
  if (ranges.length === 1) {
    // One range: any number. The condition language has no "is a number", so say it in two halves.
    return [
      {
        when: {
          any: [
            { field, lt: 0 },
            { field, gte: 0 },
          ],
        },
        points: ranges[0].points,
      },
    ];
  }
  return ranges.map((bin) => {
    const when: ConditionFile = bin.upper !== null ? { field, lt: bin.upper } : { field, gte: bin.lower! };
    return { when, points: bin.points };
  });
}

function missingCondition(field: string, tokens: readonly string[]): ConditionFile {
  if (tokens.length === 0) return { field, present: false };
  return {
    any: [
      { field, present: false },
      { field, in: [...tokens], caseSensitive: true },
    ],
  };
}

function categoricalCases(
  field: string,
  bins: ScorecardBin[],
  tokens: readonly string[],
): CasesRuleFile["cases"] {
  const cases: CasesRuleFile["cases"] = [];
  for (const bin of bins) {
    if (bin.kind === "levels") {
      const when: ConditionFile =
        bin.levels.length === 1
          ? { field, equals: bin.levels[0], caseSensitive: true }
          : { field, in: bin.levels, caseSensitive: true };
      cases.push({ when, points: bin.points });
    } else if (bin.kind === "missing")
      cases.push({ when: missingCondition(field, tokens), points: bin.points });
  }
  return cases;
}

function featureRule(feature: ScorecardFeature, id: string, tokens: readonly string[]): CasesRuleFile {
  const field = fieldPath(feature.feature);
  const pointsOf = (kind: ScorecardBin["kind"]) => feature.bins.find((bin) => bin.kind === kind)?.points ?? 0;
  const numeric = feature.type === "numeric";
  return {
    id,
    description: `${feature.feature}: up to ${feature.maxPoints} points; ${
      numeric ? "otherwise = missing or not a number" : "otherwise = rare or new levels"
    }.`,
    cases: numeric ? numericCases(field, feature.bins) : categoricalCases(field, feature.bins, tokens),
    otherwise: pointsOf(numeric ? "missing" : "other"),
  };
}

/** The scorecard as a Leadscore model file (features whose points are all 0 are left out). */
export function scorecardToModel(card: Scorecard, options: ScorecardModelOptions = {}): ModelFile {
  const tokens = options.missingTokens ?? [];
  const kept = card.features.filter((feature) => feature.maxPoints > 0);
  const ids = ruleIds(kept);
  const fields: Record<string, FieldType> = {};
  for (const feature of kept) fields[feature.feature] = feature.type === "numeric" ? "number" : "string";
  return {
    name: options.name ?? "Predictive scorecard",
    version: options.version ?? 1,
    description:
      options.description ??
      `Points learned from ${card.trainingRows} leads (${card.trainingConverted} converted) by a regularised logistic regression on binned features.`,
    scale: { min: 0, max: 100 },
    fields: { contact: fields },
    dimensions: [
      {
        id: options.dimension ?? "predicted",
        label: "Predictive scorecard",
        rules: kept.map((feature, k) => featureRule(feature, ids[k], tokens)),
      },
    ],
  };
}

/** The model file text (YAML), with a header saying where the points come from. */
export function scorecardToModelFile(card: Scorecard, options: ScorecardModelOptions = {}): string {
  const { intercept, slope } = card.probability;
  const header = [
    "# A predictive scorecard exported as a Leadscore model: edit the points like any rule.",
    `# Points are proportional to log-odds: ${card.scaling.pointsPerLogit.toPrecision(4)} points per unit of log-odds;`,
    "# per feature the least favourable bin scores 0; the best possible lead scores 100.",
    `# Probability of converting for a total t: 1 / (1 + exp(-(${intercept.toPrecision(6)} + ${slope.toPrecision(6)} * t))).`,
    "",
  ].join("\n");
  const doc = new Document(scorecardToModel(card, options));
  // Conditions on one line, as people write them: `when: { field: visits, lt: 3 }`.
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === "when" && isMap(pair.value))
        pair.value.flow = true;
    },
  });
  return header + doc.toString({ lineWidth: 0 });
}
