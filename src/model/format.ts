/**
 * The scoring model file format, as zod schemas. These describe what a user writes (YAML or
 * JSON), and the JSON Schema for editors is generated from them. `schema.ts` tags what they
 * accept with its kinds, `validate.ts` adds the checks that need the whole model (duplicate ids,
 * threshold order, regex syntax, declared fields) and `compile` in the engine turns it into an
 * evaluator.
 */
import { z } from "zod";

/** "30d", "12h", "2w", or a number of days. */
export const durationSchema = z
  .union([
    z.number().positive(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(d|h|w)\s*$/, 'a duration like "30d", "12h" or "2w"'),
  ])
  .describe('A duration: "30d" (days), "12h" (hours), "2w" (weeks), or a number of days.');

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);

/** One test on one field. Several operators in one condition must all hold. */
export const fieldConditionSchema = z
  .strictObject({
    field: z
      .string()
      .min(1)
      .describe(
        'Field to test: "contact.x", "company.x" (or just "x" for a contact field); event property names in `where`.',
      ),
    equals: scalarSchema.optional(),
    notEquals: scalarSchema.optional(),
    in: z.array(scalarSchema).min(1).optional(),
    notIn: z.array(scalarSchema).min(1).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    between: z.tuple([z.number(), z.number()]).optional().describe("Inclusive numeric range [min, max]."),
    contains: z.string().optional(),
    startsWith: z.string().optional(),
    endsWith: z.string().optional(),
    matches: z
      .string()
      .optional()
      .describe("Regular expression (RE2 syntax: linear time, no backreferences)."),
    present: z
      .boolean()
      .optional()
      .describe("true: the field has a non-empty value; false: it is missing or empty."),
    emailDomainIn: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Email domain in this list; the entry "@freemail" stands for the built-in free-mail list.'),
    freeMail: z
      .boolean()
      .optional()
      .describe("true: the email domain is a free-mail provider (gmail, yahoo...)."),
    caseSensitive: z.boolean().optional().describe("String comparisons ignore case unless this is true."),
  })
  .describe("A test on one field.");

export type FieldConditionFile = z.infer<typeof fieldConditionSchema>;

export type ConditionFile =
  | FieldConditionFile
  | { all: ConditionFile[] }
  | { any: ConditionFile[] }
  | { not: ConditionFile };

export const conditionSchema: z.ZodType<ConditionFile> = z.lazy(() =>
  z.union([
    fieldConditionSchema,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

const idAndDescription = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '-' or '.'")
    .describe("Unique id of the rule in the model; it names the rule in every ledger line."),
  description: z.string().optional(),
};

const ruleBase = {
  ...idAndDescription,
  label: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .describe(
      'What the rule means, in words a salesperson reads (e.g. "Senior decision maker"); every ledger line of the rule carries it.',
    ),
};

export const eventTypeRefSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe('Event type, list of types, or "*" for any type.');

export const decaySchema = z.union([
  z.strictObject({
    halfLife: durationSchema.describe("Points halve every halfLife since the event."),
  }),
  z.strictObject({
    steps: z
      .array(z.strictObject({ after: durationSchema, factor: z.number().min(0).max(1) }))
      .min(1)
      .describe("From `after` on, points are multiplied by `factor` (the latest step reached applies)."),
  }),
]);
export type DecayFile = z.infer<typeof decaySchema>;

/** Points from the contact's (or its company's) properties. */
export const propertyRuleSchema = z.strictObject({
  ...ruleBase,
  when: conditionSchema,
  points: z.number(),
});

/** First matching case wins. */
export const casesRuleSchema = z.strictObject({
  ...ruleBase,
  cases: z.array(z.strictObject({ when: conditionSchema, points: z.number() })).min(1),
  otherwise: z.number().optional().describe("Points when no case matches (default 0)."),
});

export const eventRuleSchema = z.strictObject({
  ...ruleBase,
  event: eventTypeRefSchema,
  where: conditionSchema.optional().describe("Filter on the event's properties (url, form_id, campaign...)."),
  points: z.number().describe("Points per occurrence (or once, with `once: true`)."),
  once: z.boolean().optional().describe("Award the points once when at least `minCount` occurrences match."),
  minCount: z.number().int().positive().optional(),
  within: durationSchema.optional().describe("Only events in this window before the scoring date count."),
  maxOccurrences: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Count at most this many (the most recent)."),
  maxPoints: z.number().optional().describe("Cap on this rule's points (a floor when points are negative)."),
  decay: decaySchema.optional(),
});

export const eventMatchSchema = z.strictObject({
  event: eventTypeRefSchema,
  where: conditionSchema.optional(),
  minCount: z.number().int().positive().optional(),
});

/** Points once every listed event condition matched, e.g. registered AND attended. */
export const combinationRuleSchema = z.strictObject({
  ...ruleBase,
  allOf: z.array(eventMatchSchema).min(2),
  points: z.number(),
  within: durationSchema.optional(),
  decay: decaySchema.optional().describe("Decay from the time the combination was completed."),
});

export const bandSchema = z.strictObject({
  min: z.number().optional().describe("Inclusive lower bound."),
  max: z.number().optional().describe("Inclusive upper bound."),
  points: z.number(),
});

/** Points from a number computed over events: RFM, average basket, time on site... */
export const aggregateRuleSchema = z.strictObject({
  ...ruleBase,
  aggregate: z.enum(["count", "sum", "average", "min", "max", "daysSinceLast"]),
  event: eventTypeRefSchema,
  where: conditionSchema.optional(),
  of: z.string().optional().describe("Numeric event property for sum, average, min and max (e.g. value)."),
  within: durationSchema.optional(),
  bands: z.array(bandSchema).min(1).describe("The first band whose range holds the value gives the points."),
  otherwise: z.number().optional().describe("Points when no band holds the value, or no event matched."),
});

/** Points by time since the last activity. */
export const recencyRuleSchema = z.strictObject({
  ...ruleBase,
  recency: z.strictObject({ event: eventTypeRefSchema.optional(), where: conditionSchema.optional() }),
  bands: z
    .array(z.strictObject({ within: durationSchema, points: z.number() }))
    .min(1)
    .describe("The first band whose window holds the last activity gives the points."),
  otherwise: z
    .number()
    .optional()
    .describe("Points when the last activity is older than every band, or absent."),
});

export const ruleSchema = z.union([
  propertyRuleSchema,
  casesRuleSchema,
  eventRuleSchema,
  combinationRuleSchema,
  aggregateRuleSchema,
  recencyRuleSchema,
]);
export type RuleFile = z.infer<typeof ruleSchema>;
export type PropertyRuleFile = z.infer<typeof propertyRuleSchema>;
export type CasesRuleFile = z.infer<typeof casesRuleSchema>;
export type EventRuleFile = z.infer<typeof eventRuleSchema>;
export type CombinationRuleFile = z.infer<typeof combinationRuleSchema>;
export type AggregateRuleFile = z.infer<typeof aggregateRuleSchema>;
export type RecencyRuleFile = z.infer<typeof recencyRuleSchema>;

export const clampSchema = z.strictObject({ min: z.number().optional(), max: z.number().optional() });

export const dimensionSchema = z.strictObject({
  id: idAndDescription.id.describe("Dimension id: fit, engagement, or any custom name."),
  label: z.string().optional(),
  description: z.string().optional(),
  weight: z.number().optional().describe("Weight in the total (default 1)."),
  clamp: clampSchema
    .nullable()
    .optional()
    .describe("Overrides the model's scale for this dimension; null: none."),
  rules: z.array(ruleSchema),
});
export type DimensionFile = z.infer<typeof dimensionSchema>;

export const gateSchema = z.union([
  z.strictObject({ ...idAndDescription, reason: z.string().min(1), when: conditionSchema }),
  z.strictObject({
    ...idAndDescription,
    reason: z.string().min(1),
    event: eventTypeRefSchema,
    where: conditionSchema.optional(),
    within: durationSchema.optional(),
  }),
]);
export type GateFile = z.infer<typeof gateSchema>;

export const fieldTypeSchema = z.enum(["string", "number", "boolean", "date", "email"]);
export type FieldType = z.infer<typeof fieldTypeSchema>;

const fieldDeclarations = z.record(z.string(), fieldTypeSchema);

export const thresholdsSchema = z.strictObject({
  temperature: z
    .strictObject({
      warm: z.number().describe("Total score from which a lead is warm."),
      hot: z.number().describe("Total score from which a lead is hot."),
    })
    .optional(),
  grades: z
    .strictObject({
      fit: z
        .strictObject({
          dimension: z.string().optional().describe('Default "fit".'),
          A: z.number(),
          B: z.number(),
          C: z.number(),
        })
        .optional()
        .describe("Minimum scores for grades A, B and C; below C is D."),
      engagement: z
        .strictObject({
          dimension: z.string().optional().describe('Default "engagement".'),
          "1": z.number(),
          "2": z.number(),
        })
        .optional()
        .describe("Minimum scores for levels 1 and 2; below 2 is 3."),
    })
    .optional(),
  mql: z
    .strictObject({
      minTotal: z.number().optional(),
      minDimensions: z.record(z.string(), z.number()).optional(),
      matrix: z
        .array(z.string().regex(/^[A-D][1-3]$/, "a cell of the grade matrix, A1 to D3"))
        .min(1)
        .optional()
        .describe("Grade cells that qualify, e.g. [A1, A2, B1]."),
    })
    .optional()
    .describe("Every given criterion must hold, and the lead must not be disqualified by a gate."),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const rollupSchema = z.strictObject({
  method: z.enum(["sum", "max", "topMean"]),
  k: z.number().int().positive().optional().describe("For topMean: mean of the k best contacts (default 3)."),
  of: z.string().optional().describe('"total" (default) or a dimension id.'),
  weight: z.number().optional().describe("Multiplier of the roll-up in the account score (default 1)."),
});

export const accountSchema = z.strictObject({
  rules: z.array(z.union([propertyRuleSchema, casesRuleSchema])).optional(),
  rollup: rollupSchema.optional(),
  clamp: clampSchema.nullable().optional(),
  temperature: z.strictObject({ warm: z.number(), hot: z.number() }).optional(),
});

export const modelFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    version: z.union([z.string().min(1), z.number()]),
    description: z.string().optional(),
    scale: clampSchema
      .nullable()
      .optional()
      .describe("Clamp of every dimension and of the total; default 0 to 100; null: no clamp."),
    fields: z
      .strictObject({
        contact: fieldDeclarations.optional(),
        company: fieldDeclarations.optional(),
        event: fieldDeclarations.optional(),
      })
      .optional()
      .describe("Declared field types. When a section is given, rules may only use its fields."),
    eventTypes: z
      .array(z.string().min(1))
      .optional()
      .describe("Custom event types beyond the built-in ones."),
    dimensions: z.array(dimensionSchema).min(1),
    gates: z.array(gateSchema).optional(),
    thresholds: thresholdsSchema.optional(),
    account: accountSchema.optional(),
  })
  .describe("A Leadscore scoring model.");

export type ModelFile = z.infer<typeof modelFileSchema>;

export const BUILTIN_EVENT_TYPES = [
  "page_view",
  "form_submission",
  "content_download",
  "email_open",
  "email_click",
  "email_bounce",
  "webinar_registration",
  "webinar_attendance",
  "demo_request",
  "contact_request",
  "meeting_booked",
  "social_interaction",
  "unsubscribe",
  "spam_complaint",
  "order",
] as const;
