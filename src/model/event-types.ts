/** Which event types a model reads: every `event:` of its rules, gates and account rules. */
import type { Model } from "./schema.js";

export interface ScoredTypes {
  /** A rule names "*": every type can count. */
  any: boolean;
  types: ReadonlySet<string>;
}

/** Walks the model iteratively (it is small, but this keeps the walk free of recursion). */
export function scoredEventTypes(model: Model): ScoredTypes {
  const types = new Set<string>();
  let any = false;
  const stack: unknown[] = [model.dimensions, model.gates, model.account];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        if (key === "event" && (typeof child === "string" || Array.isArray(child))) {
          for (const type of [child].flat()) {
            if (type === "*") any = true;
            else if (typeof type === "string") types.add(type);
          }
        } else stack.push(child);
      }
    }
  }
  return { any, types };
}

export function scores(scored: ScoredTypes, type: string): boolean {
  return scored.any || scored.types.has(type);
}
