/**
 * The database's tables as Kysely sees them. Times are UTC milliseconds (bigint columns read
 * as numbers); JSON documents are stored as text so both backends hold the same bytes;
 * booleans are 0/1 integers for the same reason.
 */
import type { Generated } from "kysely";

export interface ContactsTable {
  id: string;
  email: string | null;
  company_id: string | null;
  /** JSON object of the contact's properties (canonical field names). */
  properties: string;
  created_ms: number;
  updated_ms: number;
}

/** Ids of contacts merged into another: events sent to them reach the survivor. */
/** A merge an ingest key's identify or alias would have made; an admin decides. */
export interface MergeCandidatesTable {
  survivor_id: string;
  merged_id: string;
  /** email: the identify's email belongs to merged_id; alias: the alias names a known contact. */
  reason: string;
  email: string | null;
  created_ms: number;
}

export interface ContactAliasesTable {
  alias_id: string;
  contact_id: string;
  merged_ms: number;
}

export interface CompaniesTable {
  id: string;
  properties: string;
  created_ms: number;
  updated_ms: number;
}

/** Append-only. `event_id` is the sender's id: the key of idempotent ingest. */
export interface EventsTable {
  seq: Generated<number>;
  event_id: string;
  contact_id: string;
  type: string;
  time_ms: number;
  properties: string;
  received_ms: number;
}

/** Every uploaded version of every model; `source` is the YAML exactly as uploaded. */
export interface ModelsTable {
  key: string;
  version: number;
  name: string;
  source: string;
  created_ms: number;
}

/** The published version of each active model. */
export interface ModelHeadsTable {
  key: string;
  version: number;
  published_ms: number;
}

/** Events stored but not yet applied to their contact's scores (migration 002). */
/**
 * The applied events of each contact by time (migration 006): the scorer adds an event here when
 * it takes it off the score queue. A contact's events are these and its queued ones.
 */
export interface ContactEventsTable {
  contact_id: string;
  time_ms: number;
  seq: number;
}

export interface ScoreQueueTable {
  /** The event's seq. */
  seq: number;
}

/** The engine's incremental state of one contact under one model (engine/state.ts). */
export interface ContactStatesTable {
  contact_id: string;
  model_key: string;
  model_version: number;
  state: string;
}

/** The current score of one contact under one model. */
export interface ScoresTable {
  contact_id: string;
  model_key: string;
  model_version: number;
  total: number;
  /** JSON object dimension id -> points. */
  dimensions: string;
  band: string;
  temperature: string | null;
  fit_grade: string | null;
  engagement_grade: string | null;
  matrix: string | null;
  mql: number;
  disqualified: number;
  as_of_ms: number;
  updated_ms: number;
}

/** One row per change of a contact's score: when and why. */
export interface ScoreHistoryTable {
  seq: Generated<number>;
  contact_id: string;
  model_key: string;
  model_version: number;
  at_ms: number;
  as_of_ms: number;
  /** event, properties, company, model, decay, merge */
  cause: string;
  /** JSON: event ids, the model version, the merged contact id... */
  detail: string;
  total: number;
  previous_total: number | null;
  dimensions: string;
  band: string;
  temperature: string | null;
  matrix: string | null;
  mql: number;
  disqualified: number;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** ingest, read, write or admin (service/api-keys/api-keys.ts says what each includes). */
  scope: string;
  /** SHA-256 of the whole key, hex: the key itself is never stored. */
  hash: string;
  created_ms: number;
  revoked_ms: number | null;
}

/** Background work (rescoring after a publish, decay passes), with progress. */
export interface JobsTable {
  id: string;
  kind: string;
  model_key: string | null;
  model_version: number | null;
  status: string;
  total: number;
  done: number;
  error: string | null;
  created_ms: number;
  finished_ms: number | null;
}

/** Every uploaded version of the trigger file (migration 003); one at most is published. */
export interface TriggerVersionsTable {
  version: number;
  source: string;
  created_ms: number;
  published_ms: number | null;
}

/** A contact's state for one trigger under one model: armed (1) or fired and not re-armed (0). */
export interface TriggerStatesTable {
  contact_id: string;
  model_key: string;
  trigger_id: string;
  armed: number;
  last_fired_ms: number | null;
}

/** Deliveries decided in the scoring transaction; `id` is the stable delivery id. */
export interface AlertOutboxTable {
  id: string;
  trigger_id: string;
  contact_id: string;
  model_key: string;
  /** webhook or email */
  kind: string;
  /** JSON: the action's settings (URL, secret, format; or recipients). */
  target: string;
  /** JSON: the alert as delivered. */
  payload: string;
  /** pending, delivered or dead */
  status: string;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
  created_ms: number;
  finished_ms: number | null;
}

/** The lifecycle stage and owner that triggers set (each change is also in the score history). */
export interface ContactLifecycleTable {
  contact_id: string;
  stage: string | null;
  owner: string | null;
  updated_ms: number;
}

/** Round-robin owner assignment: the next owner's index, per trigger action. */
export interface OwnerRotationTable {
  key: string;
  next: number;
}

/** Every uploaded predictive artifact version (migration 004); `artifact` is the JSON as uploaded. */
export interface PredictiveModelsTable {
  key: string;
  version: number;
  /** gbdt or scorecard */
  kind: string;
  artifact: string;
  created_ms: number;
}

/** The published version of each predictive model. */
export interface PredictiveHeadsTable {
  key: string;
  version: number;
  published_ms: number;
}

/** A contact's latest stored prediction under one predictive model (written by the refresh pass). */
export interface PredictionsTable {
  contact_id: string;
  model_key: string;
  model_version: number;
  probability: number;
  tier: string;
  as_of_ms: number;
  updated_ms: number;
}

/** A dashboard user (migration 014): role admin, marketing or sales; a scrypt hash of its password. */
export interface UsersTable {
  id: string;
  username: string;
  role: string;
  /** scrypt$N$r$p$salt$hash (service/users/passwords.ts). */
  password_hash: string;
  created_ms: number;
  disabled_ms: number | null;
}

/** A dashboard session: the SHA-256 of its cookie's token, never the token. */
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_ms: number;
  expires_ms: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface Tables {
  contacts: ContactsTable;
  contact_aliases: ContactAliasesTable;
  companies: CompaniesTable;
  events: EventsTable;
  models: ModelsTable;
  model_heads: ModelHeadsTable;
  contact_states: ContactStatesTable;
  score_queue: ScoreQueueTable;
  contact_events: ContactEventsTable;
  scores: ScoresTable;
  score_history: ScoreHistoryTable;
  api_keys: ApiKeysTable;
  merge_candidates: MergeCandidatesTable;
  jobs: JobsTable;
  trigger_versions: TriggerVersionsTable;
  trigger_states: TriggerStatesTable;
  alert_outbox: AlertOutboxTable;
  contact_lifecycle: ContactLifecycleTable;
  owner_rotation: OwnerRotationTable;
  predictive_models: PredictiveModelsTable;
  predictive_heads: PredictiveHeadsTable;
  predictions: PredictionsTable;
  counters: CountersTable;
  users: UsersTable;
  sessions: SessionsTable;
}
