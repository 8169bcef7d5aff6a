/** `leadscore explain`: one contact's score, point by point, for a salesperson or in JSON. */
import type { Command } from "commander";
import { compileModel } from "../../engine/index.js";
import { findContact } from "../explain/find.js";
import { renderExplanation } from "../explain/render.js";
import { closeInputs, openInputs } from "../score/inputs.js";
import { collect, type InputOptions, loadModel, parseAsOf } from "../score/options.js";
import { asUserErrors } from "./score.js";

interface ExplainOptions extends InputOptions {
  contact: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("explain")
    .description(
      "Show why one contact has its score: every point, its rule's label, its reason and its evidence.",
    )
    .requiredOption("--model <file>", "model file (YAML or JSON)")
    .requiredOption("--contacts <file>", "contacts (.csv, .jsonl or .ndjson)")
    .requiredOption("--contact <id>", "id of the contact to explain")
    .option("--events <file>", "events file")
    .option("--companies <file>", "companies file")
    .option("--as-of <date>", "explain the score as of this ISO date or date-time (default: now)")
    .option("--input-format <format>", "input format: csv or jsonl (default: from each file's extension)")
    .option("--map <name=column>", "read a name from a column (repeatable), as for score", collect, [])
    .option("--id-column <column>", "the contacts' id column")
    .option("--json", "print the raw result (with its ledger) as JSON")
    .action((options: ExplainOptions) => asUserErrors(() => explain(options)));
}

export async function explain(options: ExplainOptions): Promise<void> {
  const model = await loadModel(options.model);
  const evaluator = compileModel(model);
  const asOfMs = parseAsOf(options.asOf);
  const inputs = await openInputs(options, evaluator);
  try {
    const found = await findContact(inputs, evaluator, options.contact);
    const { events } = found;
    const result = evaluator.evaluateRange(found.properties, found.company, events, 0, events.size, asOfMs, {
      ledger: true,
    });
    if (options.json) {
      const asOf = new Date(asOfMs).toISOString();
      process.stdout.write(`${JSON.stringify({ id: found.id, asOf, ...result }, null, 2)}\n`);
      return;
    }
    const companyName = found.identity["company.name"] ?? found.company?.name;
    process.stdout.write(
      renderExplanation({
        id: found.id,
        model,
        asOfMs,
        result,
        identity: found.identity,
        companyName,
        eventCount: events.size,
        futureEventCount: events.timeMs.filter((t) => t > asOfMs).length,
      }),
    );
    if (found.badEventRows > 0)
      process.stderr.write(
        `note: ${found.badEventRows} bad event rows skipped; \`leadscore score --errors\` lists them\n`,
      );
  } finally {
    closeInputs(inputs);
  }
}
