import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelJsonSchemaText } from "../src/model/json-schema.js";
import { TEMPLATE_NAMES } from "../src/model/templates.js";
import { Workspace } from "./helpers/cli.js";

let ws: Workspace;
let dir: string;

const leadscore = (...args: string[]) => ws.run(...args);

beforeAll(async () => {
  ws = await Workspace.create("leadscore-cli-");
  dir = ws.dir;
});

afterAll(() => ws.remove());

describe("leadscore init", () => {
  it("writes the b2b template to model.yaml and refuses to overwrite it", async () => {
    const first = await leadscore("init");
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain("Wrote model.yaml from the b2b template");
    const again = await leadscore("init");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("model.yaml already exists; use --force");
    expect((await leadscore("init", "--force", "--template", "rfm")).code).toBe(0);
    expect(await readFile(join(dir, "model.yaml"), "utf8")).toContain("name: RFM customer scoring");
  });

  it("lists the templates", async () => {
    const { code, stdout } = await leadscore("init", "--list");
    expect(code).toBe(0);
    for (const name of TEMPLATE_NAMES) expect(stdout).toContain(name);
  });

  it("suggests the right template for a typo", async () => {
    const { code, stderr } = await leadscore("init", "--template", "bnat");
    expect(code).toBe(2);
    expect(stderr).toContain('unknown template "bnat"; did you mean bant?');
  });

  it("shows examples in its help", async () => {
    const { stdout } = await leadscore("init", "--help");
    expect(stdout).toContain("Examples:");
    expect(stdout).toContain("leadscore init --template rfm --out rfm.yaml");
  });
});

describe("leadscore validate", () => {
  it.each(TEMPLATE_NAMES)("accepts the %s template with a one-line summary", async (name) => {
    await leadscore("init", "--template", name, "--out", `${name}.yaml`, "--force");
    const { code, stdout } = await leadscore("validate", `${name}.yaml`);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^${name}\\.yaml: OK, \\d+ dimensions? \\(.*\\), \\d+ rules?, \\d+ gates?\\n$`),
    );
  });

  it("lists every issue with file:line:column and exits with 1", async () => {
    const broken =
      "name: t\nversion: 1\ndimensions:\n  - id: fit\n    rules:\n      - id: a\n        event: page_veiw\n        points: 5\n";
    await writeFile(join(dir, "broken.yaml"), broken);
    const { code, stdout } = await leadscore("validate", "broken.yaml", "missing.yaml");
    expect(code).toBe(1);
    expect(stdout).toContain(
      "broken.yaml:7:16: at dimensions[0].rules[0].event (rule a): unknown event type 'page_veiw'",
    );
    expect(stdout).toContain("missing.yaml: cannot read the model file: file not found");
  });

  it("prints JSON results with --json", async () => {
    const { stdout } = await leadscore("validate", "broken.yaml", "--json");
    const [result] = JSON.parse(stdout);
    expect(result).toMatchObject({
      file: "broken.yaml",
      valid: false,
      issues: [{ line: 7, column: 16, rule: "a" }],
    });
  });
});

describe("leadscore diff", () => {
  it("prints the changed rule and exits with 1 under --exit-code", async () => {
    const text = await readFile(join(dir, "b2b.yaml"), "utf8");
    await writeFile(join(dir, "b2b-v2.yaml"), text.replace("points: 80", "points: 70"));
    const { code, stdout } = await leadscore("diff", "b2b.yaml", "b2b-v2.yaml", "--exit-code");
    expect(code).toBe(1);
    expect(stdout).toBe("~ rule meeting-booked in engagement:\n    points: 80 → 70\n");
  });

  it("refuses an invalid model with its issues", async () => {
    const { code, stderr } = await leadscore("diff", "b2b.yaml", "broken.yaml");
    expect(code).toBe(2);
    expect(stderr).toContain("broken.yaml is not a valid model (1 problem)");
  });
});

describe("leadscore schema", () => {
  it("prints the JSON Schema", async () => {
    const { code, stdout } = await leadscore("schema");
    expect(code).toBe(0);
    expect(stdout).toBe(modelJsonSchemaText());
  });
});
