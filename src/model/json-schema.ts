/**
 * The JSON Schema of the model file, for editors (YAML language server, VS Code) and other
 * tools. Generated from the zod schema so the two cannot drift; `schema/model.schema.json` is a
 * committed copy that a test keeps in sync.
 */
import { z } from "zod";
import { modelFileSchema } from "./format.js";

type JsonSchema = Record<string, unknown>;

export function modelJsonSchema(): JsonSchema {
  // "input": what a person writes, which is what an editor checks.
  const generated = z.toJSONSchema(modelFileSchema, { io: "input" }) as JsonSchema;
  return nameRecursiveDefinitions({
    $schema: generated.$schema,
    title: "Leadscore scoring model",
    ...generated,
  });
}

/**
 * Conditions nest (all/any/not), so zod emits them once under `$defs` with a generated name
 * ("__schema0"). Give that definition a name a reader understands.
 */
function nameRecursiveDefinitions(schema: JsonSchema): JsonSchema {
  const defs = schema.$defs as Record<string, JsonSchema> | undefined;
  if (defs === undefined) return schema;
  const renames = new Map<string, string>();
  for (const [name, definition] of Object.entries(defs)) {
    if (name.startsWith("__schema") && isConditionDefinition(definition)) renames.set(name, "Condition");
  }
  if (renames.size === 0) return schema;
  let text = JSON.stringify(schema);
  for (const [from, to] of renames) {
    text = text.replaceAll(`"#/$defs/${from}"`, `"#/$defs/${to}"`).replaceAll(`"${from}":`, `"${to}":`);
  }
  return JSON.parse(text) as JsonSchema;
}

function isConditionDefinition(definition: JsonSchema): boolean {
  const options = definition.anyOf as JsonSchema[] | undefined;
  const first = options?.[0]?.properties as Record<string, unknown> | undefined;
  return first !== undefined && "field" in first;
}

/** The schema as the committed file holds it: two-space JSON and a final newline. */
export function modelJsonSchemaText(): string {
  return `${JSON.stringify(modelJsonSchema(), null, 2)}\n`;
}
