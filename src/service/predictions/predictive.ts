/**
 * Predictive models in the service (issue 6): trained artifacts (`leadscore train --contacts
 * ... --out model.json`) uploaded as versions under a key, published or not, like rule models
 * (models/models.ts, publishing/publishing.ts). Only an artifact trained on contacts can run here: its features
 * are computed from the stored contacts, companies and events; a flat-table artifact's columns
 * exist nowhere in the store. Parsed artifacts are cached per version; which versions are
 * live is read from the database, so several processes sharing one PostgreSQL agree.
 */
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { ArtifactError, type PredictiveArtifact, parseArtifact } from "../../predict/artifact.js";
import type { Database } from "../../store/database.js";
import type { Tables } from "../../store/tables.js";
import { MODEL_KEY } from "../models/models.js";
import { InvalidDocument, InvalidInput, notFound } from "../shared/errors.js";

type Db = Kysely<Tables> | Transaction<Tables>;

export interface PredictiveVersionView {
  key: string;
  version: number;
  kind: string;
  horizonDays: number;
  /** Holdout ROC AUC measured at training, as the artifact reports it. */
  rocAuc: number | null;
  createdAt: string;
  published: boolean;
}

export interface ActivePredictive {
  key: string;
  version: number;
  artifact: PredictiveArtifact;
}

/** What the service relies on in `schema.contacts` (the artifact reader leaves it unchecked). */
const derivationSchema = z.object({
  horizonDays: z.number().positive(),
  eventTypes: z.array(z.string()),
  windowsDays: z.array(z.number().positive()),
  excludedProperties: z.array(z.string()),
  propertyColumns: z.array(z.string()),
  ruleModel: z.unknown().optional(),
});

function invalid(field: string, message: string): InvalidDocument {
  return new InvalidDocument("invalid_artifact", `the predictive model is invalid: ${field}: ${message}`, [
    { field, message },
  ]);
}

/** Reads an uploaded artifact; anything the service cannot run is a 422 naming the JSON path. */
export function parseUploadedArtifact(text: string): PredictiveArtifact {
  let artifact: PredictiveArtifact;
  try {
    artifact = parseArtifact(text);
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    const at = error.message.indexOf(": ");
    throw at > 0
      ? invalid(error.message.slice(0, at), error.message.slice(at + 2))
      : invalid("(root)", error.message);
  }
  if (artifact.schema.contacts === undefined)
    throw invalid(
      "schema.contacts",
      "the model was trained on a flat table (train --data); the service computes features from the stored contacts, companies and events, so only a model trained with train --contacts can run here",
    );
  const derivation = derivationSchema.safeParse(artifact.schema.contacts);
  if (!derivation.success) {
    const issue = derivation.error.issues[0];
    throw invalid(["schema", "contacts", ...issue.path].join("."), issue.message);
  }
  if (derivation.data.ruleModel !== undefined)
    throw invalid(
      "schema.contacts.ruleModel",
      "the model uses a rule model's scores as features, which the service does not compute for predictions yet",
    );
  return artifact;
}

export class PredictiveModels {
  private readonly parsed = new Map<string, PredictiveArtifact>();

  constructor(
    private readonly database: Database,
    private readonly clock: () => number,
  ) {}

  checkKey(key: string): void {
    if (!MODEL_KEY.test(key))
      throw new InvalidInput(`key: "${key}" is not a model key`, [
        { field: "key", message: "lower-case letters, digits, - and _, at most 64 characters" },
      ]);
  }

  /** Stores a new version (validated first; nothing is stored when invalid). */
  async upload(key: string, text: string): Promise<PredictiveVersionView> {
    this.checkKey(key);
    const artifact = parseUploadedArtifact(text);
    const created_ms = this.clock();
    for (let attempt = 0; ; attempt++) {
      try {
        const version = await this.database.db.transaction().execute(async (tx) => {
          const last = await tx
            .selectFrom("predictive_models")
            .select((eb) => eb.fn.max("version").as("v"))
            .where("key", "=", key)
            .executeTakeFirst();
          const next = Number(last?.v ?? 0) + 1;
          await tx
            .insertInto("predictive_models")
            .values({ key, version: next, kind: artifact.kind, artifact: text, created_ms })
            .execute();
          return next;
        });
        this.parsed.set(`${key}@${version}`, artifact);
        return view(key, version, artifact, created_ms, false);
      } catch (error) {
        // Two uploads of one key at once: the second retries with the next version number.
        if (attempt < 3 && /unique|duplicate/i.test(String((error as Error).message))) continue;
        throw error;
      }
    }
  }

  async versions(): Promise<PredictiveVersionView[]> {
    const rows = await this.database.db
      .selectFrom("predictive_models")
      .leftJoin("predictive_heads", (join) =>
        join
          .onRef("predictive_heads.key", "=", "predictive_models.key")
          .onRef("predictive_heads.version", "=", "predictive_models.version"),
      )
      .select([
        "predictive_models.key",
        "predictive_models.version",
        "predictive_models.created_ms",
        "predictive_heads.published_ms",
      ])
      .orderBy("predictive_models.key")
      .orderBy("predictive_models.version")
      .execute();
    const views: PredictiveVersionView[] = [];
    for (const row of rows) {
      const artifact = await this.artifact(this.database.db, row.key, row.version);
      views.push(view(row.key, row.version, artifact, row.created_ms, row.published_ms !== null));
    }
    return views;
  }

  /** The artifact's JSON, as uploaded. */
  async source(key: string, version: number, db: Db = this.database.db): Promise<string> {
    const row = await db
      .selectFrom("predictive_models")
      .select("artifact")
      .where("key", "=", key)
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) throw notFound(`predictive model ${key} version ${version}`);
    return row.artifact;
  }

  async artifact(db: Db, key: string, version: number): Promise<PredictiveArtifact> {
    const id = `${key}@${version}`;
    const cached = this.parsed.get(id);
    if (cached) return cached;
    const artifact = parseArtifact(await this.source(key, version, db));
    this.parsed.set(id, artifact);
    return artifact;
  }

  /** Makes a version live: reads predict with it from now on; stored predictions follow at the next refresh. */
  async publish(key: string, version: number): Promise<PredictiveVersionView> {
    const artifact = await this.artifact(this.database.db, key, version); // 404 when it does not exist
    const now = this.clock();
    await this.database.db
      .insertInto("predictive_heads")
      .values({ key, version, published_ms: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ version, published_ms: now }))
      .execute();
    const row = await this.database.db
      .selectFrom("predictive_models")
      .select("created_ms")
      .where("key", "=", key)
      .where("version", "=", version)
      .executeTakeFirstOrThrow();
    return view(key, version, artifact, row.created_ms, true);
  }

  /** Stops predicting with a model; its stored predictions are removed. */
  async unpublish(key: string): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      const result = await tx.deleteFrom("predictive_heads").where("key", "=", key).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`published predictive model ${key}`);
      await tx.deleteFrom("predictions").where("model_key", "=", key).execute();
    });
  }

  /** The published predictive models, in key order, parsed. */
  async active(db: Db): Promise<ActivePredictive[]> {
    const heads = await db.selectFrom("predictive_heads").select(["key", "version"]).orderBy("key").execute();
    const out: ActivePredictive[] = [];
    for (const head of heads)
      out.push({ ...head, artifact: await this.artifact(db, head.key, head.version) });
    return out;
  }
}

function view(
  key: string,
  version: number,
  artifact: PredictiveArtifact,
  createdMs: number,
  published: boolean,
): PredictiveVersionView {
  return {
    key,
    version,
    kind: artifact.kind,
    horizonDays: artifact.schema.contacts?.horizonDays ?? 0,
    rocAuc: artifact.holdout.metrics.rocAuc ?? null,
    createdAt: new Date(createdMs).toISOString(),
    published,
  };
}
