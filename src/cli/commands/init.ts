/** `leadscore init`: write a starter model from a built-in template. */
import { access, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { didYouMean } from "../../model/suggest.js";
import { readTemplate } from "../../model/template-files.js";
import { isTemplateName, TEMPLATE_NAMES, TEMPLATES, templateInfo } from "../../model/templates.js";
import { UserError } from "../errors.js";

export interface InitOptions {
  template: string;
  out: string;
  force?: boolean;
  list?: boolean;
}

const EXAMPLES = `
Templates:
${TEMPLATES.map((t) => `  ${t.name.padEnd(10)} ${t.summary}`).join("\n")}

Examples:
  $ leadscore init                              # b2b template into model.yaml
  $ leadscore init --template rfm --out rfm.yaml
  $ leadscore init --template bant --out - | less  # print instead of writing
  $ leadscore init --list
`;

export function register(program: Command): void {
  program
    .command("init")
    .description("Write a starter scoring model from a built-in template, to edit and validate.")
    .option("-t, --template <name>", `template: ${TEMPLATE_NAMES.join(", ")}`, "b2b")
    .option("-o, --out <file>", 'file to write ("-" for standard output)', "model.yaml")
    .option("-f, --force", "overwrite the file if it exists")
    .option("-l, --list", "list the templates and exit")
    .addHelpText("after", EXAMPLES)
    .action(async (options: InitOptions) => {
      await init(options);
    });
}

export async function init(options: InitOptions): Promise<void> {
  if (options.list) {
    process.stdout.write(
      `${TEMPLATES.map((t) => `${t.name.padEnd(10)} ${t.title}: ${t.summary}`).join("\n")}\n`,
    );
    return;
  }
  const name = options.template;
  if (!isTemplateName(name)) {
    const hint = didYouMean(name, TEMPLATE_NAMES, `Templates: ${TEMPLATE_NAMES.join(", ")}`);
    throw new UserError(`unknown template "${name}"${hint}`);
  }
  const text = await readTemplate(name);
  if (options.out === "-") {
    process.stdout.write(text);
    return;
  }
  if (!options.force && (await exists(options.out))) {
    throw new UserError(
      `${options.out} already exists; use --force to overwrite it, or --out to write another file`,
    );
  }
  await writeFile(options.out, text);
  process.stdout.write(
    `Wrote ${options.out} from the ${name} template (${templateInfo(name).title}).\n` +
      `Edit it, then check it with: leadscore validate ${options.out}\n`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
