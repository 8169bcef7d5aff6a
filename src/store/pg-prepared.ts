/**
 * PostgreSQL prepared statements for the queries a connection runs again and again. Kysely sends
 * each query unnamed, so PostgreSQL parses and analyses it at every call; a prepared text skips
 * that (it is still planned for each call's parameters: database.ts asks for custom plans).
 * Ingest and scoring run the same few dozen texts, their key lists passed as one array
 * parameter (batched ingest acknowledged more events/s with them, in runs back to back; see
 * bench/README.md). A text is prepared, under a name private
 * to its connection, the second time that connection runs it, for at most
 * `PREPARED_PER_CONNECTION` texts: one-off texts (DDL, migrations, a rare report) and multi-row
 * value lists stay unnamed.
 */
import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

export const PREPARED_PER_CONNECTION = 200;

/** Only data statements with parameters are worth a name (no DDL, no transaction control). */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * Texts with more parameters are multi-row `values` lists, one text per row count: naming them
 * would fill a connection's names with variants. The hot statements pass their rows and keys
 * as one array per column, a few parameters whatever the count.
 */
const MOST_PARAMETERS = 32;

interface Prepared {
  /** Texts run once on this connection, not yet named. */
  seen: Set<string>;
  names: Map<string, string>;
}

/** A pool whose clients prepare their repeated statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const byClient = new WeakMap<pg.PoolClient, Prepared>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let prepared = byClient.get(client);
      if (!prepared) {
        prepared = { seen: new Set(), names: new Map() };
        byClient.set(client, prepared);
      }
      return preparingClient(client, prepared);
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient, prepared: Prepared): PostgresPoolClient {
  const query = (sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>): unknown => {
    if (typeof sqlOrCursor !== "string") return client.query(sqlOrCursor as pg.Submittable);
    const values = parameters ? [...parameters] : [];
    const name =
      values.length > 0 && values.length <= MOST_PARAMETERS ? nameFor(prepared, sqlOrCursor) : undefined;
    return name ? client.query({ name, text: sqlOrCursor, values }) : client.query(sqlOrCursor, values);
  };
  return {
    query: query as PostgresPoolClient["query"],
    release: (destroy?: boolean) => client.release(destroy),
  };
}

function nameFor(prepared: Prepared, text: string): string | undefined {
  const known = prepared.names.get(text);
  if (known) return known;
  if (prepared.names.size >= PREPARED_PER_CONNECTION || !PREPARABLE.test(text)) return undefined;
  if (!prepared.seen.has(text)) {
    // Bounded like the names: a connection that runs only one-off texts keeps a fixed memory.
    if (prepared.seen.size >= 4 * PREPARED_PER_CONNECTION) prepared.seen.clear();
    prepared.seen.add(text);
    return undefined;
  }
  prepared.seen.delete(text);
  const name = `leadscore_${prepared.names.size + 1}`;
  prepared.names.set(text, name);
  return name;
}
