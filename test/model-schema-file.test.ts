import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { modelJsonSchemaText } from "../src/model/json-schema.js";

const SCHEMA_FILE = new URL("../schema/model.schema.json", import.meta.url);

describe("schema/model.schema.json", () => {
  it("is the JSON Schema the model schema generates", async () => {
    const committed = await readFile(SCHEMA_FILE, "utf8");
    const fresh = modelJsonSchemaText();
    const hint =
      "schema/model.schema.json is out of date: run `npm run build && node bin/leadscore.js schema > schema/model.schema.json`";
    expect(committed === fresh, hint).toBe(true);
  });
});
