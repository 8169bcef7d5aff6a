/** Disqualification gates: kept apart from points, they force a lead out of MQL. */
import type { EventGate, Gate, PropertyGate } from "../model/schema.js";
import { unreachable } from "../model/schema.js";
import { compileRecordPredicate, conditionFields } from "./conditions.js";
import { evidenceIds, type FinalizeContext, fieldValues } from "./finalize.js";
import { MatcherMode, type MatcherTable, SLOT_COUNT, SLOT_LAST_INDEX, STRIDE } from "./matchers.js";
import type { Disqualification } from "./types.js";

export interface CompiledGate {
  id: string;
  /** Appends the gate's disqualification, if it applies. */
  check(f: FinalizeContext, into: Disqualification[]): void;
}

export function compileGate(gate: Gate, table: MatcherTable): CompiledGate {
  switch (gate.kind) {
    case "property":
      return compilePropertyGate(gate);
    case "event":
      return compileEventGate(gate, table);
    default:
      return unreachable(gate);
  }
}

function compilePropertyGate(gate: PropertyGate): CompiledGate {
  const test = compileRecordPredicate(gate.when, "contact");
  const paths = conditionFields(gate.when);
  return {
    id: gate.id,
    check(f, into) {
      if (!test(f.contact, f.company)) return;
      into.push({ gateId: gate.id, reason: gate.reason, fields: fieldValues(f, paths, "contact") });
    },
  };
}

function compileEventGate(gate: EventGate, table: MatcherTable): CompiledGate {
  const m = table.add({
    event: gate.event,
    where: gate.where,
    within: gate.within,
    mode: MatcherMode.Count,
    latestOnly: true,
  });
  return {
    id: gate.id,
    check(f, into) {
      const s = m * STRIDE;
      if (f.scratch.acc[s + SLOT_COUNT] === 0) return;
      const latest = f.scratch.acc[s + SLOT_LAST_INDEX];
      into.push({ gateId: gate.id, reason: gate.reason, eventIds: evidenceIds(f, [latest]) });
    },
  };
}
