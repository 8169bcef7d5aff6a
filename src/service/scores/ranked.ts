/**
 * Ranked lists of stored scores: one model's scores filtered (temperature, grades, band, MQL,
 * disqualified, total and dimension ranges), sorted by the total or by a dimension's points,
 * and read page by page with keyset cursors (the last row's sort value and contact id), so a
 * page costs the same at row 10 and at row 1,000,000 and paging never skips or repeats a row
 * that did not change meanwhile.
 *
 * Errors name the fields as the HTTP query does (`query.sort`): this module is the query
 * string's meaning, without the HTTP.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database, Dialect } from "../../store/database.js";
import { ModelQueries } from "../../store/models.js";
import type { ScoresTable, Tables } from "../../store/tables.js";
import { isoTime } from "../../time/timestamps.js";
import type { ActiveModel, ModelRegistry } from "../models/models.js";
import { invalidField, NotFound } from "../shared/errors.js";

export const TEMPERATURES = ["cold", "warm", "hot"] as const;
export type Temperature = (typeof TEMPERATURES)[number];

export type SortOrder = "asc" | "desc";

/** What to list: every filter is optional; together they must all hold. */
export interface RankedFilters {
  temperature?: readonly string[];
  fitGrade?: readonly string[];
  engagementGrade?: readonly string[];
  matrix?: readonly string[];
  band?: readonly string[];
  mql?: boolean;
  /** false (default): hide disqualified contacts; true: only them; "any": both. */
  disqualified?: boolean | "any";
  minTotal?: number;
  maxTotal?: number;
  /** A dimension id, with minPoints and/or maxPoints. */
  dimension?: string;
  minPoints?: number;
  maxPoints?: number;
  /** Words found, case-insensitively, in the email, the first and last name or the company's name. */
  search?: string;
}

export interface RankedRequest extends RankedFilters {
  /** Model key; default: the only published model. */
  model?: string;
  /** "total" (default) or a dimension id. */
  sort?: string;
  order?: SortOrder;
}

/** A validated request, resolved against the published model: ready to read pages. */
export interface RankedPlan {
  model: { key: string; version: number };
  /** The published predictive model whose stored predictions the items carry (the first by key), if any. */
  predictiveKey: string | null;
  dimensionIds: readonly string[];
  sort: string;
  order: SortOrder;
  filters: RankedFilters;
}

export interface RankedItem {
  contactId: string;
  email: string | null;
  /** First and last name, as the contact's properties give them. */
  name: string | null;
  /** The name of the contact's company. */
  company: string | null;
  total: number;
  dimensions: Record<string, number>;
  band: string;
  temperature: Temperature | null;
  fitGrade: string | null;
  engagementGrade: string | null;
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
  /** The date the stored score was computed for. */
  scoredAt: string;
  /** The stored prediction of the plan's predictive model, when there is one. */
  prediction: { model: string; probability: number; tier: string } | null;
}

export interface RankedPage {
  items: RankedItem[];
  /** Cursor of the next page; null on the last one. */
  next: string | null;
}

/** Where a page starts: after this sort value and contact id, in the plan's order. */
interface CursorKey {
  /** Model key, sort and order the cursor was made for: a cursor only continues its own list. */
  m: string;
  s: string;
  o: SortOrder;
  v: number;
  id: string;
}

const badRequest = invalidField;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(text: string): CursorKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  const key = value as Partial<CursorKey> | undefined;
  if (
    !key ||
    typeof key !== "object" ||
    typeof key.m !== "string" ||
    typeof key.s !== "string" ||
    (key.o !== "asc" && key.o !== "desc") ||
    typeof key.v !== "number" ||
    !Number.isFinite(key.v) ||
    typeof key.id !== "string"
  ) {
    throw badRequest("query.cursor", "not a cursor of this API: pass the `next` of the previous page as is");
  }
  return key as CursorKey;
}

export class RankedScores {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: Dialect,
    private readonly models: ModelRegistry,
  ) {}

  /** Resolves the model and checks the sort and dimension against its dimensions. */
  async plan(request: RankedRequest): Promise<RankedPlan> {
    const model = await this.resolveModel(request.model);
    const dimensionIds = model.evaluator.dimensionIds;
    const sort = request.sort ?? "total";
    if (sort !== "total" && !dimensionIds.includes(sort)) {
      throw badRequest(
        "query.sort",
        `unknown dimension "${sort}"; sort by total or by one of ${dimensionIds.join(", ")}`,
      );
    }
    const { dimension, minPoints, maxPoints } = request;
    if (dimension !== undefined && !dimensionIds.includes(dimension)) {
      throw badRequest(
        "query.dimension",
        `unknown dimension "${dimension}"; model ${model.key} has ${dimensionIds.join(", ")}`,
      );
    }
    if (dimension === undefined && (minPoints !== undefined || maxPoints !== undefined)) {
      throw badRequest(
        "query.dimension",
        `minPoints and maxPoints need a dimension (one of ${dimensionIds.join(", ")})`,
      );
    }
    if (dimension !== undefined && minPoints === undefined && maxPoints === undefined) {
      throw badRequest("query.minPoints", "a dimension filter needs minPoints, maxPoints or both");
    }
    const { model: _model, sort: _sort, order, ...filters } = request;
    const predictive = await this.db
      .selectFrom("predictive_heads")
      .select("key")
      .orderBy("key")
      .limit(1)
      .executeTakeFirst();
    return {
      model: { key: model.key, version: model.version },
      predictiveKey: predictive?.key ?? null,
      dimensionIds,
      sort,
      order: order ?? "desc",
      filters,
    };
  }

  /** One page of the plan's list, after the cursor (from the start without one). */
  async page(plan: RankedPlan, options: { limit: number; cursor?: string }): Promise<RankedPage> {
    let after: CursorKey | undefined;
    if (options.cursor !== undefined) {
      after = decodeCursor(options.cursor);
      if (after.m !== plan.model.key || after.s !== plan.sort || after.o !== plan.order) {
        throw badRequest(
          "query.cursor",
          `this cursor continues the list of model=${after.m}&sort=${after.s}&order=${after.o}, not model=${plan.model.key}&sort=${plan.sort}&order=${plan.order}; start again without a cursor`,
        );
      }
    }
    const sortValue = this.sortExpression(plan.sort);
    let query = this.ordered(plan).limit(options.limit + 1);
    if (after) {
      const comparison = plan.order === "desc" ? sql.raw("<") : sql.raw(">");
      // A row-value comparison: both backends use it as an index range on (total, contact_id).
      query = query.where(
        sql<boolean>`(${sortValue}, ${sql.ref("scores.contact_id")}) ${comparison} (cast(${after.v} as double precision), ${after.id})`,
      );
    }
    const rows = await query.execute();
    const hasMore = rows.length > options.limit;
    const pageRows = hasMore ? rows.slice(0, options.limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return {
      items: pageRows.map(itemOf),
      next:
        hasMore && last
          ? encodeCursor({
              m: plan.model.key,
              s: plan.sort,
              o: plan.order,
              v: Number(last.sort_value),
              id: last.contact_id,
            })
          : null,
    };
  }

  /**
   * The whole list as it was when the export began, from a read snapshot of the database:
   * scores that change meanwhile (events keep arriving) are neither skipped nor listed twice, as
   * they could be when a contact's new total moves it across a page cursor. By total, pages of
   * `chunk` rows, each a range of the index (model_key, total, contact_id). By a dimension, which
   * no index serves, one sorted query streamed `chunk` rows at a time: pages would each sort the
   * whole table again (bench/export.ts times both). Streaming hands rows over one at a time, so
   * by total pages stay faster.
   */
  async *snapshotPages(database: Database, plan: RankedPlan, chunk = 1000): AsyncGenerator<RankedItem[]> {
    const snapshot = await database.readSnapshot();
    try {
      const reader = new RankedScores(snapshot.db, this.dialect, this.models);
      if (plan.sort === "total") {
        yield* reader.pages(plan, chunk);
        return;
      }
      const query = reader.ordered(plan);
      let items: RankedItem[] = [];
      for await (const row of query.stream(chunk)) {
        items.push(itemOf(row));
        if (items.length === chunk) {
          yield items;
          items = [];
        }
      }
      if (items.length > 0) yield items;
    } finally {
      await snapshot.end();
    }
  }

  /** The whole list, page by page: at most one page is held in memory. */
  async *pages(plan: RankedPlan, pageSize = 1000): AsyncGenerator<RankedItem[]> {
    let cursor: string | undefined;
    do {
      const page = await this.page(plan, { limit: pageSize, cursor });
      if (page.items.length > 0) yield page.items;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
  }

  private async resolveModel(key: string | undefined): Promise<ActiveModel> {
    const active = await this.models.active(new ModelQueries(this.db));
    const published = active.map((model) => model.key).join(", ");
    if (key !== undefined) {
      const model = active.find((candidate) => candidate.key === key);
      if (!model) {
        throw new NotFound(`model ${key} is not published${published ? `; published: ${published}` : ""}`);
      }
      return model;
    }
    if (active.length === 0) throw new NotFound("no model is published");
    if (active.length > 1) {
      throw badRequest("query.model", `several models are published; name one of ${published}`);
    }
    return active[0];
  }

  /** The plan's rows, in list order (its sort, ties by contact id, both its way). */
  private ordered(plan: RankedPlan) {
    const sortValue = this.sortExpression(plan.sort);
    return (
      this.filtered(plan)
        .select([
          "scores.contact_id",
          "contacts.email",
          "scores.total",
          "scores.dimensions",
          "scores.band",
          "scores.temperature",
          "scores.fit_grade",
          "scores.engagement_grade",
          "scores.matrix",
          "scores.mql",
          "scores.disqualified",
          "scores.as_of_ms",
          sortValue.as("sort_value"),
          this.jsonText("contacts.properties", "firstName").as("first_name"),
          this.jsonText("contacts.properties", "lastName").as("last_name"),
          this.jsonText("companies.properties", "name").as("company_name"),
          "predictions.model_key as prediction_model",
          "predictions.probability",
          "predictions.tier",
        ])
        // Ties go the same way as the sort so that one index scan (model_key, total, contact_id) serves both.
        .orderBy(sortValue, plan.order)
        .orderBy("scores.contact_id", plan.order)
    );
  }

  /** The rows of the plan's model that pass every filter. */
  private filtered(plan: RankedPlan) {
    const { filters } = plan;
    let query = this.db
      .selectFrom("scores")
      .leftJoin("contacts", "contacts.id", "scores.contact_id")
      .leftJoin("companies", "companies.id", "contacts.company_id")
      .leftJoin("predictions", (join) =>
        join
          .onRef("predictions.contact_id", "=", "scores.contact_id")
          .on("predictions.model_key", "=", plan.predictiveKey ?? ""),
      )
      .where("scores.model_key", "=", plan.model.key);
    const oneOf = (column: "temperature" | "fit_grade" | "engagement_grade" | "matrix" | "band") => {
      const values = {
        temperature: filters.temperature,
        fit_grade: filters.fitGrade,
        engagement_grade: filters.engagementGrade,
        matrix: filters.matrix,
        band: filters.band,
      }[column];
      if (values && values.length > 0) query = query.where(`scores.${column}`, "in", [...values]);
    };
    oneOf("temperature");
    oneOf("fit_grade");
    oneOf("engagement_grade");
    oneOf("matrix");
    oneOf("band");
    if (filters.mql !== undefined) query = query.where("scores.mql", "=", filters.mql ? 1 : 0);
    const disqualified = filters.disqualified ?? false;
    if (disqualified !== "any") query = query.where("scores.disqualified", "=", disqualified ? 1 : 0);
    if (filters.minTotal !== undefined) query = query.where("scores.total", ">=", filters.minTotal);
    if (filters.maxTotal !== undefined) query = query.where("scores.total", "<=", filters.maxTotal);
    if (filters.dimension !== undefined) {
      const points = this.dimensionPoints(filters.dimension);
      const { minPoints, maxPoints } = filters;
      if (minPoints !== undefined)
        query = query.where(sql<boolean>`${points} >= cast(${minPoints} as double precision)`);
      if (maxPoints !== undefined)
        query = query.where(sql<boolean>`${points} <= cast(${maxPoints} as double precision)`);
    }
    const words = (filters.search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    for (const word of words) {
      // Each word in one of the fields; LIKE's own wildcards in the word are matched as themselves.
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const like = (value: RawBuilder<unknown>) =>
        sql<boolean>`lower(coalesce(${value}, '')) like ${pattern} escape '\\'`;
      query = query.where((eb) =>
        eb.or([
          like(sql.ref("contacts.email")),
          like(this.jsonText("contacts.properties", "firstName")),
          like(this.jsonText("contacts.properties", "lastName")),
          like(this.jsonText("companies.properties", "name")),
        ]),
      );
    }
    return query;
  }

  /** A text property of a JSON text column (null when absent). */
  private jsonText(
    column: "contacts.properties" | "companies.properties",
    name: string,
  ): RawBuilder<string | null> {
    if (this.dialect === "sqlite")
      return sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${name}`})`;
    return sql<string | null>`(cast(${sql.ref(column)} as json) ->> cast(${name} as text))`;
  }

  private sortExpression(sort: string): RawBuilder<number> {
    return sort === "total" ? sql.ref<number>("scores.total") : this.dimensionPoints(sort);
  }

  /**
   * A dimension's points from the JSON text column, the id always a bound parameter. A score
   * without the dimension (written by an older model version, before its rescoring reached
   * it) counts as 0, so every row has a sort value and paging stays total.
   */
  private dimensionPoints(dimensionId: string): RawBuilder<number> {
    if (this.dialect === "sqlite") {
      // Quoted JSON path member: ids may hold '.' or '-'; the model's id rule excludes '"'.
      const path = `$."${dimensionId}"`;
      return sql<number>`coalesce(json_extract(${sql.ref("scores.dimensions")}, ${path}), 0)`;
    }
    return sql<number>`coalesce(cast(cast(${sql.ref("scores.dimensions")} as json) ->> cast(${dimensionId} as text) as double precision), 0)`;
  }
}

/** A row of `ordered`: the score's columns, the contact's email and names, its prediction. */
type RankedRow = Omit<ScoresTable, "model_key" | "model_version" | "updated_ms"> & {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  prediction_model: string | null;
  probability: number | null;
  tier: string | null;
};

function itemOf(row: RankedRow): RankedItem {
  const name = [row.first_name, row.last_name].filter((part) => part !== null && part !== "").join(" ");
  return {
    contactId: row.contact_id,
    email: row.email ?? null,
    name: name === "" ? null : name,
    company: row.company_name ?? null,
    total: row.total,
    dimensions: JSON.parse(row.dimensions) as Record<string, number>,
    band: row.band,
    temperature: row.temperature as Temperature | null,
    fitGrade: row.fit_grade,
    engagementGrade: row.engagement_grade,
    matrix: row.matrix,
    mql: row.mql === 1,
    disqualified: row.disqualified === 1,
    scoredAt: isoTime(row.as_of_ms),
    prediction:
      row.prediction_model !== null && row.probability !== null && row.tier !== null
        ? { model: row.prediction_model, probability: Number(row.probability), tier: row.tier }
        : null,
  };
}
