/** The models and model_heads tables: every uploaded version of a model, and the published one. */
import type { Kysely } from "kysely";
import type { Tables } from "./tables.js";

export class ModelQueries {
  constructor(private readonly db: Kysely<Tables>) {}

  /** The published version of each model, in key order. */
  published(): Promise<Array<{ key: string; version: number }>> {
    return this.db.selectFrom("model_heads").select(["key", "version"]).orderBy("key").execute();
  }

  /** The YAML of one version as uploaded; undefined when there is no such version. */
  async source(key: string, version: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("models")
      .select("source")
      .where("key", "=", key)
      .where("version", "=", version)
      .executeTakeFirst();
    return row?.source;
  }
}
