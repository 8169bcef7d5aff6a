/** Ranked lists of stored scores, as JSON pages with cursors or as a streamed CSV/JSONL export. */
import { Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type { FastifyBaseLogger } from "fastify";
import { z } from "zod";
import { BANDS } from "../../engine/index.js";
import { csvCell } from "../../io/write.js";
import { type RankedItem, type RankedPlan, RankedScores, TEMPERATURES } from "../../service/scores/ranked.js";
import type { Database } from "../../store/database.js";
import { queryBoolean } from "../route.js";
import type { RouteContext } from "./index.js";

/** `hot,warm` or `temperature=hot&temperature=warm`: a list of allowed values. */
function listOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      [value]
        .flat()
        .flatMap((part) => part.split(","))
        .map((part) => part.trim())
        .filter((part) => part !== ""),
    )
    .pipe(z.array(z.enum(values)))
    .optional()
    .describe(`${description} One value or several, comma-separated: ${values.join(", ")}.`);
}

const MATRIX_CELLS = ["A", "B", "C", "D"].flatMap((fit) =>
  ["1", "2", "3"].map((level) => `${fit}${level}`),
) as [string, ...string[]];

const rankedQuerySchema = z.object({
  model: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("Model key; default: the published model (required when several are published)."),
  temperature: listOf(TEMPERATURES, "Only these temperatures."),
  fitGrade: listOf(["A", "B", "C", "D"], "Only these fit grades."),
  engagementGrade: listOf(["1", "2", "3"], "Only these engagement levels."),
  matrix: listOf(MATRIX_CELLS, "Only these cells of the grade matrix."),
  band: listOf(BANDS, "Only these score bands."),
  mql: queryBoolean.optional().describe("true: only MQLs; false: only the others."),
  disqualified: z
    .enum(["true", "false", "1", "0", "any"])
    .default("false")
    .transform((value) => (value === "any" ? ("any" as const) : value === "true" || value === "1"))
    .describe("false (default): disqualified contacts are left out; true: only them; any: both."),
  minTotal: z.coerce.number().optional().describe("Total at least this."),
  maxTotal: z.coerce.number().optional().describe("Total at most this."),
  dimension: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("A dimension id of the model, with minPoints and/or maxPoints."),
  minPoints: z.coerce.number().optional().describe("The dimension's points at least this."),
  maxPoints: z.coerce.number().optional().describe("The dimension's points at most this."),
  search: z
    .string()
    .max(200)
    .optional()
    .describe(
      "Words that must each appear (case-insensitively) in the email, the first or last name, or the company's name.",
    ),
  sort: z
    .string()
    .min(1)
    .max(128)
    .default("total")
    .describe("total (default) or a dimension id: sorts by that dimension's points."),
  order: z
    .enum(["desc", "asc"])
    .default("desc")
    .describe("desc (default) or asc; ties by contact id, same way."),
});

const pageQuerySchema = rankedQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe("The `next` of the previous page, with the same model, sort and order."),
});

const exportQuerySchema = rankedQuerySchema.extend({
  format: z.enum(["csv", "jsonl"]).default("csv").describe("csv (default) or jsonl, one score per line."),
});

const rankedItemSchema = z
  .object({
    contactId: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable().describe("First and last name, from the contact's properties."),
    company: z.string().nullable().describe("The name of the contact's company."),
    total: z.number(),
    dimensions: z.record(z.string(), z.number()).describe("Points per dimension id."),
    band: z.string(),
    temperature: z.enum(TEMPERATURES).nullable(),
    fitGrade: z.string().nullable(),
    engagementGrade: z.string().nullable(),
    matrix: z.string().nullable(),
    mql: z.boolean(),
    disqualified: z.boolean(),
    scoredAt: z.string().describe("The date the stored score was computed for."),
    prediction: z
      .object({ model: z.string(), probability: z.number(), tier: z.string() })
      .nullable()
      .describe("The stored prediction of the first published predictive model (by key), when it has one."),
  })
  .meta({ id: "RankedScore" });

const rankedPageSchema = z
  .object({
    model: z.object({ key: z.string(), version: z.number().int() }),
    items: z.array(rankedItemSchema),
    next: z.string().nullable().describe("Cursor of the next page; null on the last page."),
  })
  .meta({ id: "RankedScores" });

const FIXED_BEFORE = ["contactId", "email", "total"];
const FIXED_AFTER = [
  "band",
  "temperature",
  "fitGrade",
  "engagementGrade",
  "matrix",
  "mql",
  "disqualified",
  "scoredAt",
];

/** One CSV line per item; every text cell neutralised against spreadsheet formulas. */
function csvLines(plan: RankedPlan, items: readonly RankedItem[]): string {
  return stringify(
    items.map((item) =>
      [
        item.contactId,
        item.email,
        item.total,
        ...plan.dimensionIds.map((id) => item.dimensions[id]),
        item.band,
        item.temperature,
        item.fitGrade,
        item.engagementGrade,
        item.matrix,
        item.mql,
        item.disqualified,
        item.scoredAt,
      ].map(csvCell),
    ),
  );
}

async function* exportText(
  database: Database,
  ranked: RankedScores,
  plan: RankedPlan,
  format: "csv" | "jsonl",
  log: FastifyBaseLogger,
): AsyncGenerator<string> {
  if (format === "csv")
    yield stringify([[...FIXED_BEFORE, ...plan.dimensionIds, ...FIXED_AFTER].map(csvCell)]);
  let rows = 0;
  try {
    for await (const items of ranked.snapshotPages(database, plan)) {
      yield format === "csv"
        ? csvLines(plan, items)
        : items.map((item) => `${JSON.stringify(item)}\n`).join("");
      rows += items.length;
    }
  } catch (error) {
    // The 200 and the first rows are already sent: the stream errors, Fastify then destroys the
    // connection before the final chunk, so the client sees a failed download, never a short file.
    log.error(
      { err: error, rowsSent: rows, model: plan.model },
      "score export failed part way: connection aborted",
    );
    throw error;
  }
}

export function registerScoreRoutes({ table, service }: RouteContext): void {
  const ranked = new RankedScores(service.db, service.database.dialect, service.models);
  table.add({
    method: "GET",
    url: "/v1/scores",
    summary: "Stored scores of one model, filtered and ranked, a page at a time",
    description:
      "Sorted by total (or a dimension's points), ties by contact id. Pages follow keyset cursors: pass `next` back as `cursor` with the same model, sort and order. Disqualified contacts are left out unless `disqualified` says otherwise.",
    tag: "scores",
    scope: "read",
    query: pageQuerySchema,
    responses: {
      200: { description: "A page of scores and the cursor of the next one.", schema: rankedPageSchema },
      404: { description: "The model is not published (or none is)." },
    },
    handler: async ({ query }) => {
      const { limit, cursor, ...rest } = query;
      const plan = await ranked.plan(rest);
      const page = await ranked.page(plan, { limit, cursor });
      return { model: plan.model, ...page };
    },
  });
  table.add({
    method: "GET",
    url: "/v1/scores/export",
    summary: "Every stored score of one model that passes the filters, as CSV (or JSONL), in ranked order",
    description:
      "Same filters and sort as GET /v1/scores; streamed page by page from one read snapshot, so the file is the list as it was when the export began, whatever is scored meanwhile. CSV columns: contactId, email, total, one per dimension, band, temperature, fitGrade, engagementGrade, matrix, mql, disqualified, scoredAt; cells that a spreadsheet would run as a formula start with an apostrophe. Should the export fail part way (after the 200), the connection is closed before the end of the chunked body, so a client sees an incomplete download (an error), never a short file that looks whole; the log says why.",
    tag: "scores",
    scope: "read",
    query: exportQuerySchema,
    responses: {
      200: { description: "The scores, one per line after the CSV header.", contentType: "text/csv" },
      404: { description: "The model is not published (or none is)." },
    },
    handler: async ({ query, request }, reply) => {
      const { format, ...rest } = query;
      // Planned (and so validated) before the first byte: a bad request still gets a JSON 400.
      const plan = await ranked.plan(rest);
      const file = `scores-${plan.model.key}-v${plan.model.version}.${format}`;
      reply.header(
        "content-type",
        format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      );
      reply.header("content-disposition", `attachment; filename="${file}"`);
      return reply.send(Readable.from(exportText(service.database, ranked, plan, format, request.log)));
    },
  });
}
