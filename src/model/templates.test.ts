import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { EVENT_FIELDS } from "../demo/types.js";
import { COMPANY_FIELD_NAMES, CONTACT_FIELD_NAMES, EVENT_COLUMN_NAMES } from "./fields.js";
import { parseModel } from "./parse.js";
import type { Model, Rule } from "./schema.js";
import { readTemplate } from "./template-files.js";
import { isTemplateName, TEMPLATE_NAMES, TEMPLATES } from "./templates.js";

// The field names the demo data generator writes; templates must use these and no others.
// convertedAt is the outcome itself, and an event's own columns are not properties.
const DEMO_FIELDS = {
  contact: [...CONTACT_FIELD_NAMES],
  company: [...COMPANY_FIELD_NAMES],
  event: EVENT_FIELDS.filter((field) => !(EVENT_COLUMN_NAMES as readonly string[]).includes(field)),
};

async function template(name: (typeof TEMPLATE_NAMES)[number]): Promise<Model> {
  return parseModel(await readTemplate(name), `${name}.yaml`);
}

function rule(model: Model, id: string): Rule {
  const found = model.dimensions.flatMap((dimension) => dimension.rules).find((r) => r.id === id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
}

describe("templates", () => {
  it("lists every template once", () => {
    expect(TEMPLATES.map((t) => t.name)).toEqual([...TEMPLATE_NAMES]);
    expect(isTemplateName("b2b")).toBe(true);
    expect(isTemplateName("b2c")).toBe(false);
  });

  it.each(TEMPLATE_NAMES)("%s parses and validates", async (name) => {
    const model = await template(name);
    expect(model.dimensions.length).toBeGreaterThan(0);
  });

  it.each(TEMPLATE_NAMES)("%s gives every rule a label a salesperson reads", async (name) => {
    const model = await template(name);
    const rules = [...model.dimensions.flatMap((d) => d.rules), ...(model.account?.rules ?? [])];
    expect(rules.filter((r) => r.label === undefined).map((r) => r.id)).toEqual([]);
  });

  it.each(TEMPLATE_NAMES)("%s declares only the field names of the demo data", async (name) => {
    const model = await template(name);
    for (const section of ["contact", "company", "event"] as const) {
      const declared = Object.keys(model.fields?.[section] ?? {});
      expect(DEMO_FIELDS[section]).toEqual(expect.arrayContaining(declared));
    }
  });

  it("b2b has fit and engagement with the sources' example values", async () => {
    const model = await template("b2b");
    expect(model.dimensions.map((d) => d.id)).toEqual(["fit", "engagement"]);
    const points = (id: string) => (rule(model, id) as { points: number }).points;
    expect(points("visit")).toBe(5);
    expect(points("download")).toBe(10);
    expect(points("premium-download")).toBe(30);
    expect(points("services-page")).toBe(50);
    expect(points("meeting-booked")).toBe(80);
    expect(points("free-mail")).toBe(-5);
    expect(points("software-industry")).toBe(10);
    expect(model.gates?.map((g) => g.id)).toEqual(
      expect.arrayContaining([
        "unsubscribed",
        "spam-complaint",
        "bounced-email",
        "competitor-domain",
        "student-job-seeker",
        "unserved-country",
      ]),
    );
    expect(model.thresholds?.temperature).toEqual({ warm: 40, hot: 70 });
    expect(model.thresholds?.grades?.fit).toBeDefined();
    expect(model.thresholds?.grades?.engagement).toBeDefined();
    expect(model.thresholds?.mql).toBeDefined();
  });

  it("b2b and bant read seniority from job titles without false matches", async () => {
    // String tests ignore case unless caseSensitive is set, so the patterns run case-insensitively.
    const matches = (pattern: string, text: string) =>
      RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE).matcher(text).find();
    const b2b = await template("b2b");
    const [senior, manager] = (rule(b2b, "job-title") as { cases: { when: { matches: string } }[] }).cases;
    expect(
      ["CEO", "Marketing Director", "VP Sales", "Head of Growth", "Chief Revenue Officer"].every((t) =>
        matches(senior.when.matches, t),
      ),
    ).toBe(true);
    expect(
      ["Content Writer", "Data Analyst", "Project Manager"].some((t) => matches(senior.when.matches, t)),
    ).toBe(false);
    expect(matches(manager.when.matches, "CRM Manager")).toBe(true);
    const student = b2b.gates?.find((gate) => gate.id === "student-job-seeker") as {
      when: { matches: string };
    };
    expect(
      ["Student", "Marketing Student", "Intern", "Apprentice"].every((t) => matches(student.when.matches, t)),
    ).toBe(true);
    expect(
      ["International Sales Manager", "Internal Auditor"].some((t) => matches(student.when.matches, t)),
    ).toBe(false);
    const bant = await template("bant");
    const [signs, decides] = (rule(bant, "decision-power") as { cases: { when: { matches: string } }[] })
      .cases;
    expect(matches(signs.when.matches, "Marketing Director")).toBe(false);
    expect(matches(signs.when.matches, "Vice President Growth")).toBe(false);
    expect(matches(decides.when.matches, "Vice President Growth")).toBe(true);
    expect(matches(signs.when.matches, "CTO")).toBe(true);
  });

  it("rfm scores recency, frequency and monetary from orders, 1 to 5 each", async () => {
    const model = await template("rfm");
    expect(model.dimensions.map((d) => d.id)).toEqual(["recency", "frequency", "monetary"]);
    for (const dimension of model.dimensions) {
      const [aggregate] = dimension.rules;
      expect(aggregate).toMatchObject({ kind: "aggregate", event: "order" });
      expect(aggregate.kind === "aggregate" && aggregate.bands.map((band) => band.points)).toEqual([
        5, 4, 3, 2, 1,
      ]);
    }
  });

  it("bant has one dimension per letter", async () => {
    const model = await template("bant");
    expect(model.dimensions.map((d) => d.id)).toEqual(["budget", "authority", "need", "timeframe"]);
  });

  it("appetence has one dimension per product, every event rule decaying", async () => {
    const model = await template("appetence");
    expect(model.dimensions.length).toBeGreaterThanOrEqual(2);
    const eventRules = model.dimensions.flatMap((d) => d.rules).filter((r) => r.kind === "event");
    expect(eventRules.length).toBeGreaterThan(0);
    expect(eventRules.every((r) => r.decay !== undefined)).toBe(true);
  });
});
