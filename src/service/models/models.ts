/**
 * Models in the service: every uploaded version is kept; a published version is the one that
 * scores (several models may be published at once, one version each). Compiled evaluators are
 * cached per version; which versions are live is read from the database, so several service
 * processes sharing one PostgreSQL agree.
 */
import { compileModel, type Evaluator } from "../../engine/index.js";
import { ModelError } from "../../model/errors.js";
import { parseModel } from "../../model/parse.js";
import type { Model } from "../../model/schema.js";
import { InvalidDocument, notFound } from "../shared/errors.js";

export interface ActiveModel {
  key: string;
  version: number;
  evaluator: Evaluator;
}

export const MODEL_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The store port of the model registry (store/models.ts). */
export interface ModelStore {
  /** The published version of each model, in key order. */
  published(): Promise<Array<{ key: string; version: number }>>;
  /** The YAML of one version as uploaded; undefined when there is no such version. */
  source(key: string, version: number): Promise<string | undefined>;
}

/** Parses a model for upload; a bad one becomes a 422 listing each issue with its line. */
export function parseUploadedModel(source: string, key: string): Model {
  try {
    return parseModel(source, `${key}.yaml`);
  } catch (error) {
    if (error instanceof ModelError) {
      throw new InvalidDocument(
        "invalid_model",
        `the model is invalid (${error.issues.length} issue${error.issues.length === 1 ? "" : "s"})`,
        error.issues.map((issue) => ({
          field: issue.path.join(".") || "(model)",
          message:
            issue.line !== undefined ? `line ${issue.line}:${issue.column}: ${issue.message}` : issue.message,
        })),
      );
    }
    throw error;
  }
}

export class ModelRegistry {
  private readonly compiled = new Map<string, Evaluator>();

  /** The published models, in key order, compiled. */
  async active(store: ModelStore): Promise<ActiveModel[]> {
    const heads = await store.published();
    const models: ActiveModel[] = [];
    for (const head of heads)
      models.push({ ...head, evaluator: await this.evaluator(store, head.key, head.version) });
    return models;
  }

  async evaluator(store: ModelStore, key: string, version: number): Promise<Evaluator> {
    const id = `${key}@${version}`;
    const cached = this.compiled.get(id);
    if (cached) return cached;
    const source = await store.source(key, version);
    if (source === undefined) throw notFound(`model ${id}`);
    const evaluator = compileModel(parseModel(source, `${id}.yaml`));
    this.compiled.set(id, evaluator);
    return evaluator;
  }
}
