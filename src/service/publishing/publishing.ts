/**
 * Model versions and publishing. Publishing sets the live version and starts a background job
 * that rescores every contact (progress readable through the jobs API); contacts that ingest
 * touches meanwhile are rescored with the new version at once. A job left running by a
 * stopped process is resumed at start-up: rescoring is idempotent.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { type Database, refreshStatistics } from "../../store/database.js";
import { ModelQueries } from "../../store/models.js";
import { Store } from "../../store/store.js";
import type { Tables } from "../../store/tables.js";
import { MODEL_KEY, type ModelRegistry, parseUploadedModel } from "../models/models.js";
import { rescoreAll } from "../scoring/passes.js";
import { InvalidInput, notFound } from "../shared/errors.js";

export interface ModelVersionView {
  key: string;
  version: number;
  name: string;
  createdAt: string;
  published: boolean;
}

export interface JobView {
  id: string;
  kind: string;
  model: { key: string; version: number } | null;
  status: "running" | "done" | "failed";
  total: number;
  done: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export class Publishing {
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly database: Database,
    private readonly models: ModelRegistry,
    private readonly log: Logger,
    private readonly clock: () => number,
  ) {}

  checkKey(key: string): void {
    if (!MODEL_KEY.test(key)) {
      throw new InvalidInput(`key: "${key}" is not a model key`, [
        { field: "key", message: "lower-case letters, digits, - and _, at most 64 characters" },
      ]);
    }
  }

  /** Stores a new version (validated first; nothing is stored when invalid). */
  async upload(key: string, source: string): Promise<ModelVersionView> {
    this.checkKey(key);
    const model = parseUploadedModel(source, key);
    const created_ms = this.clock();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.database.db.transaction().execute(async (tx) => {
          const last = await tx
            .selectFrom("models")
            .select((eb) => eb.fn.max("version").as("v"))
            .where("key", "=", key)
            .executeTakeFirst();
          const version = Number(last?.v ?? 0) + 1;
          await tx
            .insertInto("models")
            .values({ key, version, name: model.name, source, created_ms })
            .execute();
          return {
            key,
            version,
            name: model.name,
            createdAt: new Date(created_ms).toISOString(),
            published: false,
          };
        });
      } catch (error) {
        // Two uploads of one key at once: the second retries with the next version number.
        if (attempt < 3 && /unique|duplicate/i.test(String((error as Error).message))) continue;
        throw error;
      }
    }
  }

  async versions(key?: string): Promise<ModelVersionView[]> {
    let query = this.database.db
      .selectFrom("models")
      .leftJoin("model_heads", (join) =>
        join.onRef("model_heads.key", "=", "models.key").onRef("model_heads.version", "=", "models.version"),
      )
      .select([
        "models.key",
        "models.version",
        "models.name",
        "models.created_ms",
        "model_heads.published_ms",
      ])
      .orderBy("models.key")
      .orderBy("models.version");
    if (key) query = query.where("models.key", "=", key);
    return (await query.execute()).map((row) => ({
      key: row.key,
      version: row.version,
      name: row.name,
      createdAt: new Date(row.created_ms).toISOString(),
      published: row.published_ms !== null,
    }));
  }

  async source(key: string, version: number): Promise<string> {
    const row = await this.database.db
      .selectFrom("models")
      .select("source")
      .where("key", "=", key)
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) throw notFound(`model ${key} version ${version}`);
    return row.source;
  }

  /** Makes a version live and starts rescoring every contact in the background. */
  async publish(key: string, version: number): Promise<JobView> {
    await this.models.evaluator(new ModelQueries(this.database.db), key, version); // 404 when it does not exist
    const now = this.clock();
    const total = await new Store(this.database).countContacts();
    const id = randomUUID();
    await this.database.db.transaction().execute(async (tx) => {
      await tx
        .insertInto("model_heads")
        .values({ key, version, published_ms: now })
        .onConflict((oc) => oc.column("key").doUpdateSet({ version, published_ms: now }))
        .execute();
      await tx
        .insertInto("jobs")
        .values({
          id,
          kind: "rescore",
          model_key: key,
          model_version: version,
          status: "running",
          total,
          done: 0,
          error: null,
          created_ms: now,
          finished_ms: null,
        })
        .execute();
    });
    this.start(id, key, version);
    return this.job(id);
  }

  /** Stops scoring with a model; its stored scores are removed, its history kept. */
  async unpublish(key: string): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      const result = await tx.deleteFrom("model_heads").where("key", "=", key).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`published model ${key}`);
      await tx.deleteFrom("scores").where("model_key", "=", key).execute();
      await tx.deleteFrom("contact_states").where("model_key", "=", key).execute();
    });
  }

  async job(id: string): Promise<JobView> {
    const row = await this.database.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound(`job ${id}`);
    return jobView(row);
  }

  async jobs(limit = 50): Promise<JobView[]> {
    const rows = await this.database.db
      .selectFrom("jobs")
      .selectAll()
      .orderBy("created_ms", "desc")
      .limit(limit)
      .execute();
    return rows.map(jobView);
  }

  /** Resumes rescoring jobs a stopped process left running. */
  async resume(): Promise<void> {
    const rows = await this.database.db
      .selectFrom("jobs")
      .selectAll()
      .where("status", "=", "running")
      .execute();
    for (const row of rows) {
      if (row.kind === "rescore" && row.model_key && row.model_version !== null) {
        this.start(row.id, row.model_key, row.model_version);
      }
    }
  }

  /**
   * Stops running jobs after their current page (shutdown); they stay "running" in the
   * database and resume at the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  /** Resolves when every job started by this process has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private start(id: string, key: string, version: number): void {
    const run = this.run(id, key, version).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async run(id: string, key: string, version: number): Promise<void> {
    const log = this.log.child({ job: id, model: `${key}@${version}` });
    log.info("rescoring every contact");
    try {
      const total = await new Store(this.database).countContacts();
      await this.database.db.updateTable("jobs").set({ total, done: 0 }).where("id", "=", id).execute();
      const result = await rescoreAll(
        new Store(this.database),
        this.models,
        { cause: "model" },
        {
          clock: this.clock,
          shouldStop: () => this.stopping,
          onPage: async (progress) => {
            await this.database.db
              .updateTable("jobs")
              .set({ done: Math.min(progress.done, total) })
              .where("id", "=", id)
              .execute();
          },
        },
      );
      if (result.stopped) {
        log.info({ contacts: result.done }, "rescoring paused by shutdown; it resumes at the next start");
        return;
      }
      await refreshStatistics(this.database, ["contact_states", "scores", "score_history"]);
      await this.database.db
        .updateTable("jobs")
        .set({
          status: "done",
          done: result.done,
          total: Math.max(total, result.done),
          finished_ms: this.clock(),
        })
        .where("id", "=", id)
        .execute();
      log.info({ contacts: result.done, changed: result.changed }, "rescoring finished");
    } catch (error) {
      log.error({ err: error }, "rescoring failed");
      await this.database.db
        .updateTable("jobs")
        .set({ status: "failed", error: (error as Error).message, finished_ms: this.clock() })
        .where("id", "=", id)
        .execute()
        .catch(() => undefined);
    }
  }
}

function jobView(row: Tables["jobs"]): JobView {
  return {
    id: row.id,
    kind: row.kind,
    model:
      row.model_key && row.model_version !== null ? { key: row.model_key, version: row.model_version } : null,
    status: row.status as JobView["status"],
    total: row.total,
    done: row.done,
    error: row.error,
    createdAt: new Date(row.created_ms).toISOString(),
    finishedAt: row.finished_ms === null ? null : new Date(row.finished_ms).toISOString(),
  };
}
