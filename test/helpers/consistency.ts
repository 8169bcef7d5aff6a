/**
 * Checks a service database against first principles, for the kill -9 and two-process tests:
 * every stored score must equal the engine's evaluation from scratch over the contact's stored
 * events that are no longer queued for scoring (at the score's own as-of date), and each
 * contact's history must be one unbroken chain ending at that score. Reads the tables directly; nothing of src/service is reused here.
 */
import type { Kysely } from "kysely";
import { compileModel, type Evaluator, evaluate, type ScoringEvent } from "../../src/engine/index.js";
import { parseModel } from "../../src/model/parse.js";
import type { Tables } from "../../src/store/tables.js";

function object(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

export interface ConsistencyReport {
  /** Score rows compared (contacts x published models). */
  scores: number;
  /** Contacts that have at least one event. */
  contactsWithEvents: number;
  /** Events stored. */
  events: number;
  /** Events stored but still waiting in the score queue (not in any score yet). */
  queued: number;
  /** Every difference found, one line each; empty when consistent. */
  problems: string[];
}

export async function checkConsistency(
  db: Kysely<Tables>,
  options: {
    /**
     * Check that each history row starts where the one before it ended. Off after merges: the
     * merged contact's history moves to the survivor, whose history then has two beginnings.
     */
    historyChains?: boolean;
  } = {},
): Promise<ConsistencyReport> {
  const problems: string[] = [];
  const heads = await db.selectFrom("model_heads").select(["key", "version"]).execute();
  const evaluators = new Map<string, Evaluator>();
  for (const row of await db.selectFrom("models").select(["key", "version", "source"]).execute())
    evaluators.set(`${row.key}@${row.version}`, compileModel(parseModel(row.source, `${row.key}.yaml`)));

  const twice = await db
    .selectFrom("events")
    .select(["event_id", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("event_id")
    .having((eb) => eb.fn.countAll(), ">", 1)
    .execute();
  for (const row of twice) problems.push(`event ${row.event_id} stored ${row.n} times`);

  const queuedSeqs = new Set(
    (await db.selectFrom("score_queue").select("seq").execute()).map((row) => row.seq),
  );
  // The applied-events index holds exactly the events no longer queued, under their contact.
  const indexed = new Map(
    (await db.selectFrom("contact_events").selectAll().execute()).map(
      (row) => [Number(row.seq), row] as const,
    ),
  );
  const eventsByContact = new Map<string, ScoringEvent[]>();
  let eventCount = 0;
  for (const row of await db
    .selectFrom("events")
    .select(["seq", "event_id", "contact_id", "type", "time_ms", "properties"])
    .orderBy("seq")
    .execute()) {
    const entry = indexed.get(row.seq);
    indexed.delete(row.seq);
    if (queuedSeqs.has(row.seq)) {
      if (entry) problems.push(`event ${row.event_id} is queued and indexed as applied`);
      eventCount++;
      continue;
    }
    if (!entry) problems.push(`event ${row.event_id} is neither queued nor indexed as applied`);
    else if (entry.contact_id !== row.contact_id || entry.time_ms !== row.time_ms)
      problems.push(
        `event ${row.event_id} of ${row.contact_id} at ${row.time_ms} indexed under ${entry.contact_id} at ${entry.time_ms}`,
      );
    const list = eventsByContact.get(row.contact_id) ?? [];
    list.push({ id: row.event_id, type: row.type, timeMs: row.time_ms, properties: object(row.properties) });
    eventsByContact.set(row.contact_id, list);
    eventCount++;
  }
  const contacts = new Map(
    (await db.selectFrom("contacts").selectAll().execute()).map((row) => [row.id, row] as const),
  );
  const companies = new Map(
    (await db.selectFrom("companies").selectAll().execute()).map(
      (row) => [row.id, { ...object(row.properties), id: row.id }] as const,
    ),
  );
  for (const seq of indexed.keys()) problems.push(`applied-events index names event seq ${seq}, not stored`);
  const scores = await db.selectFrom("scores").selectAll().execute();
  const scored = new Set(scores.map((row) => `${row.model_key}\u0000${row.contact_id}`));
  for (const contactId of eventsByContact.keys()) {
    if (!contacts.has(contactId)) problems.push(`events of ${contactId}, which is not a contact`);
    for (const head of heads)
      if (!scored.has(`${head.key}\u0000${contactId}`))
        problems.push(`${contactId} has events but no ${head.key} score`);
  }

  const history = await db.selectFrom("score_history").selectAll().orderBy("seq").execute();
  const chains = new Map<string, typeof history>();
  for (const row of history) {
    const key = `${row.model_key}\u0000${row.contact_id}`;
    const chain = chains.get(key) ?? [];
    chain.push(row);
    chains.set(key, chain);
  }

  for (const score of scores) {
    const where = `${score.contact_id} under ${score.model_key}@${score.model_version}`;
    const evaluator = evaluators.get(`${score.model_key}@${score.model_version}`);
    const contact = contacts.get(score.contact_id);
    if (!evaluator || !contact) {
      problems.push(`${where}: no such model version or contact`);
      continue;
    }
    const company = contact.company_id ? companies.get(contact.company_id) : undefined;
    const expected = evaluate(
      evaluator,
      {
        ...object(contact.properties),
        id: contact.id,
        email: contact.email ?? undefined,
        companyId: contact.company_id ?? undefined,
      },
      company,
      eventsByContact.get(score.contact_id) ?? [],
      score.as_of_ms,
    );
    const stored = {
      total: score.total,
      dimensions: object(score.dimensions),
      band: score.band,
      temperature: score.temperature,
      fitGrade: score.fit_grade,
      engagementGrade: score.engagement_grade,
      matrix: score.matrix,
      mql: score.mql === 1,
      disqualified: score.disqualified === 1,
    };
    const fresh = {
      total: expected.total,
      dimensions: expected.dimensions,
      band: expected.band,
      temperature: expected.temperature,
      fitGrade: expected.fitGrade,
      engagementGrade: expected.engagementGrade,
      matrix: expected.matrix,
      mql: expected.mql,
      disqualified: expected.disqualified,
    };
    if (JSON.stringify(stored) !== JSON.stringify(fresh))
      problems.push(`${where}: stored ${JSON.stringify(stored)}, from scratch ${JSON.stringify(fresh)}`);

    // The history: each row starts from the total the row before it ended at, and the last
    // row is the stored score. A lost update breaks the chain or leaves it off the score.
    const chain = chains.get(`${score.model_key}\u0000${score.contact_id}`) ?? [];
    const last = chain.at(-1);
    if (!last) {
      problems.push(`${where}: a score without history`);
      continue;
    }
    chain.forEach((row, i) => {
      if (options.historyChains === false) return;
      const before = i === 0 ? null : chain[i - 1].total;
      if (row.previous_total !== before)
        problems.push(`${where}: history row ${row.seq} says previous ${row.previous_total}, was ${before}`);
    });
    const lastView = {
      version: last.model_version,
      total: last.total,
      dimensions: object(last.dimensions),
      band: last.band,
      temperature: last.temperature,
      matrix: last.matrix,
      mql: last.mql,
      disqualified: last.disqualified,
    };
    const scoreView = {
      version: score.model_version,
      total: score.total,
      dimensions: stored.dimensions,
      band: score.band,
      temperature: score.temperature,
      matrix: score.matrix,
      mql: score.mql,
      disqualified: score.disqualified,
    };
    if (JSON.stringify(lastView) !== JSON.stringify(scoreView))
      problems.push(
        `${where}: last history ${JSON.stringify(lastView)} but score ${JSON.stringify(scoreView)}`,
      );
  }
  return {
    scores: scores.length,
    contactsWithEvents: eventsByContact.size,
    events: eventCount,
    queued: queuedSeqs.size,
    problems,
  };
}
