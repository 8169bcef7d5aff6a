/** Loading model files for commands: an invalid model is a user error, printed without a stack. */
import { ModelError } from "../model/errors.js";
import { loadModelFile } from "../model/load.js";
import type { Model } from "../model/schema.js";
import { UserError } from "./errors.js";

export async function loadModelForCommand(path: string): Promise<Model> {
  try {
    return await loadModelFile(path);
  } catch (error) {
    if (error instanceof ModelError) {
      const count = error.issues.length;
      throw new UserError(
        `${path} is not a valid model (${count} ${count === 1 ? "problem" : "problems"}):\n${error.message}`,
      );
    }
    throw error;
  }
}

/** "2 dimensions (fit, engagement), 27 rules, 7 gates" */
export function summarizeModel(model: Model): string {
  const dimensions = model.dimensions.map((dimension) => dimension.id);
  const rules =
    model.dimensions.reduce((count, dimension) => count + dimension.rules.length, 0) +
    (model.account?.rules?.length ?? 0);
  const gates = model.gates?.length ?? 0;
  return [
    `${plural(dimensions.length, "dimension")} (${dimensions.join(", ")})`,
    plural(rules, "rule"),
    plural(gates, "gate"),
  ].join(", ");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
