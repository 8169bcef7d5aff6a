/** Which rules `leadscore calibrate` works on: aggregate and recency rules whose bands it can read. */
import { layoutOf, type RuleBands } from "../../analytics/calibrate.js";
import type { AggregateRule, Model, RecencyRule } from "../../model/schema.js";
import { closest } from "../../model/suggest.js";
import { UserError } from "../errors.js";

export interface BandedRule {
  id: string;
  dimension: string;
  /** Where the rule sits in the model file. */
  path: (string | number)[];
  bands: RuleBands;
  /** "sum of value over order in the last 365d", "days since the last order". */
  label: string;
  /** Why its bands cannot be calibrated, if they cannot. */
  problem?: string;
}

function eventsLabel(event: string | string[] | undefined, filtered: boolean): string {
  const types = event === undefined || event === "*" ? "any event" : [event].flat().join("/");
  return filtered ? `${types} (filtered)` : types;
}

function bandedRule(
  rule: AggregateRule | RecencyRule,
  dimension: string,
  path: (string | number)[],
): BandedRule {
  let bands: RuleBands;
  let label: string;
  if (rule.kind === "aggregate") {
    bands = { kind: "aggregate", bands: rule.bands, integer: rule.aggregate === "count" };
    const what =
      rule.aggregate === "daysSinceLast"
        ? "days since the last"
        : `${rule.aggregate}${rule.of ? ` of ${rule.of}` : ""} over`;
    const within = rule.within === undefined ? "" : ` in the last ${rule.within}`;
    label = `${what} ${eventsLabel(rule.event, rule.where !== undefined)}${within}`;
  } else {
    bands = { kind: "recency", bands: rule.bands };
    label = `days since the last ${eventsLabel(rule.recency.event, rule.recency.where !== undefined)}`;
  }
  const layout = layoutOf(bands);
  return {
    id: rule.id,
    dimension,
    path,
    bands,
    label,
    problem: typeof layout === "string" ? layout : undefined,
  };
}

/** Every aggregate and recency rule of the model, in model order. */
export function bandedRules(model: Model): BandedRule[] {
  const rules: BandedRule[] = [];
  model.dimensions.forEach((dimension, d) => {
    dimension.rules.forEach((rule, r) => {
      if (rule.kind === "aggregate" || rule.kind === "recency")
        rules.push(bandedRule(rule, dimension.id, ["dimensions", d, "rules", r]));
    });
  });
  return rules;
}

/**
 * The rules to calibrate: those named (each must be an aggregate or recency rule whose bands can
 * be calibrated), or by default every one whose bands can be.
 */
export function chooseRules(
  model: Model,
  modelFile: string,
  ids: readonly string[],
): { chosen: BandedRule[]; skipped: BandedRule[] } {
  const all = bandedRules(model);
  if (ids.length === 0) {
    const usable = all.filter((rule) => rule.problem === undefined);
    if (usable.length === 0)
      throw new UserError(
        all.length === 0
          ? `${modelFile} has no aggregate or recency rule: nothing to calibrate`
          : `${modelFile}: no aggregate or recency rule has bands that can be calibrated (${all
              .map((rule) => `${rule.id}: ${rule.problem}`)
              .join("; ")})`,
      );
    return { chosen: usable, skipped: all.filter((rule) => rule.problem !== undefined) };
  }
  const byId = new Map(all.map((rule) => [rule.id, rule]));
  const chosen: BandedRule[] = [];
  for (const id of new Set(ids)) {
    const rule = byId.get(id);
    if (rule === undefined) {
      const isRule = model.dimensions.some((d) => d.rules.some((r) => r.id === id));
      const guess = closest(id, byId.keys());
      throw new UserError(
        `--rule ${id}: ${isRule ? "not an aggregate or recency rule" : `no rule "${id}" in ${modelFile}`}${
          guess && !isRule ? `; did you mean ${guess}?` : ""
        } (aggregate and recency rules: ${[...byId.keys()].join(", ") || "none"})`,
      );
    }
    if (rule.problem !== undefined)
      throw new UserError(`--rule ${id}: its bands cannot be calibrated: ${rule.problem}`);
    chosen.push(rule);
  }
  return { chosen, skipped: [] };
}
