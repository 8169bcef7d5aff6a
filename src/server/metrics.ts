/** Prometheus metrics: HTTP traffic, ingest, queue depth and stored volumes. */
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ScoringService } from "../service/service.js";
import { sqliteStoreOf } from "../store/scoring-store.js";

export function setupMetrics(app: FastifyInstance, service: ScoringService): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "leadscore_" });
  const requests = new Counter({
    name: "leadscore_http_requests_total",
    help: "HTTP requests by route and status code.",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "leadscore_http_request_duration_seconds",
    help: "HTTP request duration by route.",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: "leadscore_events_ingested_total",
    help: "Events stored by this process since it started.",
    registers: [registry],
    collect() {
      this.set(service.ingestor.stats.events);
    },
  });
  new Gauge({
    name: "leadscore_events_duplicate_total",
    help: "Events received again (same id) and not counted, since start.",
    registers: [registry],
    collect() {
      this.set(service.ingestor.stats.duplicates);
    },
  });
  new Gauge({
    name: "leadscore_events_unscored_total",
    help: "Events stored whose type no published model scores (a typo?), since start; GET /v1/event-types names the types.",
    registers: [registry],
    collect() {
      this.set(service.eventTypes.unscoredEvents);
    },
  });
  new Gauge({
    name: "leadscore_ingest_commits_total",
    help: "Ingest transactions committed since start (several requests share one).",
    registers: [registry],
    collect() {
      this.set(service.ingestor.stats.commits);
    },
  });
  new Gauge({
    name: "leadscore_ingest_queue_events",
    help: "Events waiting for their transaction.",
    registers: [registry],
    collect() {
      this.set(service.ingestor.pending);
    },
  });
  new Gauge({
    name: "leadscore_score_queue_events",
    help: "Events stored and acknowledged but not yet applied to scores (all processes; on SQLite, also those applied by the scoring pass under way, until it ends).",
    registers: [registry],
    async collect() {
      this.set(await service.scorer.queueDepth());
    },
  });
  new Gauge({
    name: "leadscore_events_scored_total",
    help: "Queued events this process applied to scores since start.",
    registers: [registry],
    collect() {
      this.set(service.scorer.stats.events);
    },
  });
  new Gauge({
    name: "leadscore_scoring_passes_total",
    help: "Scoring passes (transactions) this process committed since start.",
    registers: [registry],
    collect() {
      this.set(service.scorer.stats.passes);
    },
  });
  new Gauge({
    name: "leadscore_scoring_pass_failures_total",
    help: "Scoring passes rolled back (their events stay queued and are retried).",
    registers: [registry],
    collect() {
      this.set(service.scorer.stats.failures);
    },
  });
  new Gauge({
    name: "leadscore_scoring_slices_replanned_total",
    help: "SQLite scoring slices computed again under the write lock because a contact, company, state, score or model changed while they were computed.",
    registers: [registry],
    collect() {
      this.set(service.scorer.stats.replanned);
    },
  });
  new Gauge({
    name: "leadscore_scoring_slices_rechecked_total",
    help: "SQLite scoring slices whose inputs were compared row by row before writing, because something scores are computed from changed while they were computed (the others are written at once).",
    registers: [registry],
    collect() {
      this.set(service.scorer.stats.rechecked);
    },
  });
  new Gauge({
    name: "leadscore_sqlite_write_lock_held_seconds_total",
    help: "SQLite: time each connection of this process (serving, scoring thread) held the file's write lock since start; when the two together grow as fast as the clock, the lock is what limits ingest and scoring.",
    labelNames: ["connection"],
    registers: [registry],
    collect() {
      for (const usage of service.database.writeTurnUsage?.() ?? [])
        this.set({ connection: usage.connection }, usage.heldSeconds);
    },
  });
  new Gauge({
    name: "leadscore_sqlite_write_lock_waited_seconds_total",
    help: "SQLite: time each connection of this process waited for the other to give the write lock back, since start.",
    labelNames: ["connection"],
    registers: [registry],
    collect() {
      for (const usage of service.database.writeTurnUsage?.() ?? [])
        this.set({ connection: usage.connection }, usage.waitedSeconds);
    },
  });
  new Gauge({
    name: "leadscore_scoring_thread",
    help: "1: queued events are scored in the scoring thread; 0: in the thread answering requests (thread off, or it failed).",
    registers: [registry],
    collect() {
      this.set(service.scorer.inThread ? 1 : 0);
    },
  });
  new Gauge({
    name: "leadscore_decay_runs_total",
    help: "Decay passes finished since start.",
    registers: [registry],
    collect() {
      this.set(service.decayStats.runs);
    },
  });
  new Gauge({
    name: "leadscore_alert_outbox",
    help: "Alert deliveries in the outbox by status (all processes).",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      for (const [status, n] of Object.entries(await service.alerts.counts())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: "leadscore_alert_attempts_total",
    help: "Alert delivery attempts by this process since start, by outcome.",
    labelNames: ["outcome"],
    registers: [registry],
    collect() {
      this.set({ outcome: "delivered" }, service.delivery.stats.delivered);
      this.set({ outcome: "failed" }, service.delivery.stats.failedAttempts);
      this.set({ outcome: "dead" }, service.delivery.stats.dead);
    },
  });
  new Gauge({
    name: "leadscore_alert_deliveries_purged_total",
    help: "Delivered alerts deleted by this process since start, past alertRetentionDays.",
    registers: [registry],
    collect() {
      this.set(service.delivery.stats.purged);
    },
  });
  const sqlite = service.database.sqlite;
  if (sqlite) {
    new Gauge({
      name: "leadscore_event_id_memory_bytes",
      help: "SQLite: memory holding the ids of stored events, for idempotent ingest (11 to 21 bytes an event).",
      registers: [registry],
      collect() {
        this.set(sqliteStoreOf(sqlite).eventIdMemory.bytes);
      },
    });
  }
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unknown";
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
