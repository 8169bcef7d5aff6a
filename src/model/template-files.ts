/** Reads the built-in templates' YAML text (I/O, kept apart from the pure `templates.ts`). */
import { readFile } from "node:fs/promises";
import { type TemplateName, templateInfo } from "./templates.js";

// The YAML files stay in src/model/templates/ and are shipped with the package (see "files" in
// package.json); from both src/model/ and dist/model/, two levels up is the package root.
const TEMPLATES_DIR = new URL("../../src/model/templates/", import.meta.url);

export function templateUrl(name: TemplateName): URL {
  return new URL(templateInfo(name).file, TEMPLATES_DIR);
}

export async function readTemplate(name: TemplateName): Promise<string> {
  return readFile(templateUrl(name), "utf8");
}
