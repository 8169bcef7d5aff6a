/** `leadscore validate`: check model files and list every problem with file:line:column. */
import type { Command } from "commander";
import { formatIssue, ModelError, type ModelIssue } from "../../model/errors.js";
import { loadModelFile } from "../../model/load.js";
import { summarizeModel } from "../model-file.js";

export interface ValidateOptions {
  json?: boolean;
}

interface FileResult {
  file: string;
  valid: boolean;
  summary?: string;
  issues: ModelIssue[];
}

const EXAMPLES = `
Exit code: 0 when every model is valid, 1 otherwise.

Examples:
  $ leadscore validate model.yaml
  model.yaml: OK, 2 dimensions (fit, engagement), 27 rules, 7 gates
  $ leadscore validate models/*.yaml --json   # for CI and editors
`;

export function register(program: Command): void {
  program
    .command("validate")
    .description("Check model files (YAML or JSON): schema, ids, regular expressions, thresholds, fields.")
    .argument("<model...>", "model files")
    .option("--json", "print the results as JSON")
    .addHelpText("after", EXAMPLES)
    .action(async (files: string[], options: ValidateOptions) => {
      await validate(files, options);
    });
}

export async function validate(files: string[], options: ValidateOptions): Promise<void> {
  const results: FileResult[] = [];
  for (const file of files) results.push(await validateFile(file));
  process.stdout.write(
    options.json ? `${JSON.stringify(results, null, 2)}\n` : results.map(renderResult).join(""),
  );
  if (results.some((result) => !result.valid)) process.exitCode = 1;
}

async function validateFile(file: string): Promise<FileResult> {
  try {
    const model = await loadModelFile(file);
    return { file, valid: true, summary: summarizeModel(model), issues: [] };
  } catch (error) {
    if (error instanceof ModelError) return { file, valid: false, issues: [...error.issues] };
    throw error;
  }
}

function renderResult(result: FileResult): string {
  if (result.valid) return `${result.file}: OK, ${result.summary}\n`;
  const count = result.issues.length;
  const lines = result.issues.map((issue) => formatIssue(issue, result.file));
  return `${lines.join("\n")}\n${result.file}: ${count} ${count === 1 ? "problem" : "problems"}\n`;
}
