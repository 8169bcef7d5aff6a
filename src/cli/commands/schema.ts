/** `leadscore schema`: print the JSON Schema of the model file. */
import type { Command } from "commander";
import { modelJsonSchemaText } from "../../model/json-schema.js";

const EXAMPLES = `
Point your editor at it for completion and checks while you write a model. With the YAML
language server (VS Code's YAML extension), put this first line in the model file:
  # yaml-language-server: $schema=./model.schema.json

Examples:
  $ leadscore schema > model.schema.json
`;

export function register(program: Command): void {
  program
    .command("schema")
    .description("Print the JSON Schema of model files, for editors and other tools.")
    .addHelpText("after", EXAMPLES)
    .action(() => {
      process.stdout.write(modelJsonSchemaText());
    });
}
