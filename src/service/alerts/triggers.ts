/**
 * The trigger file: which score changes raise an alert, and what each alert does. YAML or JSON,
 * validated with zod; every problem is reported with its path and line, all at once. Pure: no
 * I/O here (the service stores versions, the worker delivers).
 *
 * ```yaml
 * triggers:
 *   - id: hot-lead
 *     model: b2b                       # optional: every published model when left out
 *     when: { score: total, above: 60, hysteresis: 10 }
 *     minIntervalMinutes: 60           # optional: at most one alert per contact in this time
 *     actions:
 *       - webhook: { url: "https://hooks.example.com/leads", secret: "at least 16 chars", format: json }
 *       - lifecycle: { stage: mql, owner: { roundRobin: [ana, ben] } }
 * ```
 */
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { locate } from "../../model/locate.js";
import { yamlData } from "../../model/yaml-data.js";

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const STAGES = ["subscriber", "lead", "mql", "sql", "customer"] as const;

/**
 * The conditions a trigger watches. Each is a level (met or not) on the score snapshot; the
 * decision fires on the move from "not met" to "met". The `predicted` kinds watch a predictive
 * model's stored prediction instead (probability of converting, tier): they are decided by the
 * prediction refresh (service/predictions/predictions.ts), the others when rule scores change.
 */
const scoreWhen = z.union([
  z.strictObject({
    score: z.string().min(1).describe('"total" or a dimension id'),
    above: z.number(),
    hysteresis: z.number().min(0).default(0),
  }),
  z.strictObject({
    score: z.string().min(1),
    below: z.number(),
    hysteresis: z.number().min(0).default(0),
  }),
]);
export const TIER_NAMES = ["very high", "high", "medium", "low"] as const;
const probability = z.number().min(0).max(1);
export const predictedWhen = z.union([
  z.strictObject({
    predicted: z.literal("probability"),
    above: probability,
    hysteresis: probability.default(0),
  }),
  z.strictObject({
    predicted: z.literal("probability"),
    below: probability,
    hysteresis: probability.default(0),
  }),
  z.strictObject({
    predicted: z.literal("tier"),
    in: z.array(z.enum(TIER_NAMES)).min(1).describe("the tiers that count as reached"),
  }),
]);
const whenSchema = z.union([
  scoreWhen,
  predictedWhen,
  z.strictObject({ temperature: z.string().min(1).describe("the temperature reached, e.g. hot") }),
  z.strictObject({
    grade: z.enum(["fit", "engagement"]),
    in: z.array(z.string().min(1)).min(1).describe("the grades that count as reached"),
  }),
  z.strictObject({ mql: z.literal(true) }),
  z.strictObject({ disqualified: z.literal(true) }),
]);

export const webhookUrl = z.string().superRefine((text, ctx) => {
  const problem = webhookUrlProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Why a webhook URL is refused, or undefined when it is fine. */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not an absolute URL`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `only http and https URLs are allowed, got ${url.protocol}`;
  if (url.username || url.password) return "credentials in the URL are refused; sign with a secret instead";
  if (url.hash) return "a fragment (#...) is refused: it is never sent";
  return undefined;
}

const actionSchema = z.union([
  z.strictObject({
    webhook: z.strictObject({
      url: webhookUrl,
      secret: z.string().min(16, "the signing secret must have at least 16 characters"),
      format: z.enum(["json", "slack"]).default("json"),
    }),
  }),
  z.strictObject({
    lifecycle: z.strictObject({
      stage: z.enum(STAGES).optional(),
      owner: z
        .union([
          z.strictObject({ roundRobin: z.array(z.string().min(1)).min(1) }),
          z.strictObject({
            byProperty: z.string().min(1),
            map: z.record(z.string(), z.string().min(1)),
            default: z.string().min(1).optional(),
          }),
        ])
        .optional(),
    }),
  }),
  z.strictObject({
    email: z.strictObject({
      to: z.array(z.email()).min(1),
      subject: z.string().min(1).optional(),
    }),
  }),
]);

const triggerSchema = z
  .strictObject({
    id: z.string().regex(ID, "lower-case letters, digits, - and _, at most 64 characters"),
    model: z.string().min(1).optional(),
    when: whenSchema,
    minIntervalMinutes: z.number().min(0).default(0),
    actions: z.array(actionSchema).min(1),
  })
  .superRefine((trigger, ctx) => {
    // A lifecycle change is recorded in the rule score history, which a prediction does not have.
    if (!("predicted" in trigger.when)) return;
    trigger.actions.forEach((action, i) => {
      if ("lifecycle" in action)
        ctx.addIssue({
          code: "custom",
          path: ["actions", i, "lifecycle"],
          message: "a prediction trigger can only send webhooks and emails",
        });
    });
  });

export const triggerFileSchema = z.strictObject({
  triggers: z.array(triggerSchema).superRefine((triggers, ctx) => {
    const seen = new Set<string>();
    triggers.forEach((trigger, i) => {
      if (seen.has(trigger.id))
        ctx.addIssue({ code: "custom", path: [i, "id"], message: `the id "${trigger.id}" is used twice` });
      seen.add(trigger.id);
    });
  }),
});

export type TriggerFile = z.infer<typeof triggerFileSchema>;
export type Trigger = TriggerFile["triggers"][number];
export type TriggerWhen = Trigger["when"];
export type PredictedWhen = Extract<TriggerWhen, { predicted: string }>;
export type ScoreWhen = Exclude<TriggerWhen, PredictedWhen>;

/** Whether a trigger watches a prediction (decided by the prediction refresh, not by scoring). */
export function isPredicted(when: TriggerWhen): when is PredictedWhen {
  return "predicted" in when;
}
export type TriggerAction = Trigger["actions"][number];

export interface TriggerIssue {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class TriggerFileError extends Error {
  constructor(readonly issues: TriggerIssue[]) {
    super(
      `the trigger file is invalid:\n${issues.map((i) => `  ${i.path}${i.line ? ` (line ${i.line})` : ""}: ${i.message}`).join("\n")}`,
    );
    this.name = "TriggerFileError";
  }
}

/** Parses and validates a trigger file; throws a `TriggerFileError` naming every issue. */
export function parseTriggerFile(text: string): TriggerFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new TriggerFileError(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: "(file)", line, column: col, message: `YAML syntax error: ${error.message}` };
      }),
    );
  }
  const read = yamlData(doc);
  if (!read.ok) throw new TriggerFileError([{ path: "(file)", message: read.message }]);
  const parsed = triggerFileSchema.safeParse(read.data ?? {});
  if (parsed.success) return parsed.data;
  throw new TriggerFileError(
    parsed.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      const at = locate(doc, lineCounter, path);
      return {
        path: path.join(".") || "(file)",
        ...(at ? { line: at.line, column: at.column } : {}),
        message: issue.message,
      };
    }),
  );
}
