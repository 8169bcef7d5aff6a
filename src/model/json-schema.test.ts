import { describe, expect, it } from "vitest";
import { modelJsonSchema } from "./json-schema.js";

describe("modelJsonSchema", () => {
  const schema = modelJsonSchema();

  it("describes the model file for editors", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("Leadscore scoring model");
    expect(schema.required).toEqual(expect.arrayContaining(["name", "version", "dimensions"]));
  });

  it("names the recursive condition definition", () => {
    const text = JSON.stringify(schema);
    expect(Object.keys(schema.$defs as object)).toEqual(["Condition"]);
    expect(text).not.toContain("__schema");
    expect(text).toContain('"$ref":"#/$defs/Condition"');
  });

  it("lists the allowed field types", () => {
    const text = JSON.stringify(schema);
    expect(text).toContain('"enum":["string","number","boolean","date","email"]');
  });
});
