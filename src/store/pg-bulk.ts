/**
 * Bulk writes on PostgreSQL with one array parameter per column (`insert ... select * from
 * unnest(...)`) instead of one parameter per value: a 500-row upsert of 14 columns sends 14
 * parameters instead of 7,000, which PostgreSQL plans and binds far faster, and Kysely has no
 * 7,000-value tree to build and compile. Key lists in reads go the same way (`= any(array)`).
 */
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Tables } from "./tables.js";

/** PostgreSQL's type of each column: the element type of its array parameter. */
export type ColumnTypes<Row> = { readonly [K in keyof Row]-?: "text" | "integer" | "bigint" | "float8" };

/** The rows' columns as arrays cast to their types, for `unnest`. */
function unnestOf<Row extends object>(rows: readonly Row[], types: ColumnTypes<Row>): RawBuilder<unknown> {
  const columns = Object.keys(types) as Array<keyof Row & string>;
  const arrays = columns.map((column) => {
    const values = rows.map((row) => row[column] ?? null);
    return sql`${values}::${sql.raw(types[column])}[]`;
  });
  return sql`select * from unnest(${sql.join(arrays)})`;
}

/**
 * Inserts the rows into `table`; with `conflict`, rows whose key exists update the listed
 * columns to the new values (an upsert).
 */
export async function bulkInsert<Row extends object>(
  db: Kysely<Tables>,
  table: keyof Tables & string,
  rows: readonly Row[],
  types: ColumnTypes<Row>,
  conflict?: { key: readonly string[]; update: readonly string[] },
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(types);
  const onConflict = conflict
    ? sql` on conflict (${sql.join(conflict.key.map((c) => sql.ref(c)))}) do update set ${sql.join(
        conflict.update.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`),
      )}`
    : sql``;
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) ${unnestOf(rows, types)}${onConflict}`.execute(
    db,
  );
}

/** `column = any($1::type[])`: a key list as one array parameter instead of one per key. */
export function anyOf(
  column: string,
  values: readonly (string | number)[],
  type: "text" | "bigint",
): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} = any(${values}::${sql.raw(type)}[])`;
}
