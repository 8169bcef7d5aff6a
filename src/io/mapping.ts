/**
 * Column mapping: which column of a file holds each name Leadscore reads. A name is read from
 * the user's `--map`, else from a CRM table whose columns the header matches, else from the
 * column of that very name. Unmapped columns keep their own names, so models can use them.
 */
import {
  CANONICAL_COLUMNS,
  CRM_TABLES,
  type CrmTable,
  type Entity,
  MIN_MATCHING_COLUMNS,
} from "./crm-tables.js";
import { InputError } from "./errors.js";

export type { Entity } from "./crm-tables.js";

/** `--map contact.email=E-mail`: entity (contact when omitted), name, column. */
export interface UserMapping {
  entity: Entity;
  name: string;
  column: string;
}

export interface ColumnMapping {
  readonly entity: Entity;
  /** Name → column of the file, for the names that are not read from a column of the same name. */
  readonly renamed: ReadonlyMap<string, string>;
  /** The CRM table applied, if any. */
  readonly table: string | undefined;
  /** The column holding `name`: mapped, or the column of that name; undefined when neither. */
  columnOf(name: string): string | undefined;
}

const ENTITIES: readonly Entity[] = ["contact", "company", "event"];

/** Reads `canonical=Header` or `company.name=Account Name`. */
export function parseUserMapping(text: string): UserMapping {
  const eq = text.indexOf("=");
  if (eq <= 0 || eq === text.length - 1)
    throw new InputError(`expected name=Column, e.g. --map email="E-mail Address"`, `--map ${text}`);
  let name = text.slice(0, eq).trim();
  const column = text.slice(eq + 1).trim();
  let entity: Entity = "contact";
  const dot = name.indexOf(".");
  const prefix = dot > 0 ? name.slice(0, dot) : "";
  if ((ENTITIES as readonly string[]).includes(prefix)) {
    entity = prefix as Entity;
    name = name.slice(dot + 1);
  }
  return { entity, name, column };
}

function fold(text: string): string {
  return text.trim().toLowerCase();
}

/** The table for this entity that matches most header columns, if enough do. */
function detectTable(entity: Entity, header: readonly string[]): CrmTable | undefined {
  const present = new Set(header.map(fold));
  let best: CrmTable | undefined;
  let bestScore = 0;
  for (const table of CRM_TABLES) {
    if (table.entity !== entity) continue;
    const names = new Set(Object.values(table.columns).flat().map(fold));
    const score = [...names].filter((name) => present.has(name)).length;
    if (score > bestScore) [best, bestScore] = [table, score];
  }
  // Event exports vary too much for a signature: their aliases apply one by one.
  const needed = entity === "event" ? 1 : MIN_MATCHING_COLUMNS;
  return bestScore >= needed ? best : undefined;
}

export function resolveMapping(
  entity: Entity,
  header: readonly string[],
  user: readonly UserMapping[] = [],
  source = "",
): ColumnMapping {
  const byFolded = new Map<string, string>();
  for (const column of header) if (!byFolded.has(fold(column))) byFolded.set(fold(column), column);
  const inHeader = new Set(header);
  const renamed = new Map<string, string>();
  const table = detectTable(entity, header);
  for (const [name, aliases] of Object.entries(table?.columns ?? {})) {
    // A column already named like the canonical name wins over any alias.
    if (inHeader.has(name)) continue;
    const column = aliases.map((alias) => byFolded.get(fold(alias))).find((c) => c !== undefined);
    if (column !== undefined && column !== name) renamed.set(name, column);
  }
  for (const mapping of user) {
    if (mapping.entity !== entity) continue;
    const column = inHeader.has(mapping.column) ? mapping.column : byFolded.get(fold(mapping.column));
    if (column === undefined)
      throw new InputError(
        `--map ${entity}.${mapping.name}=${mapping.column}: no column "${mapping.column}" in the header (${header.join(", ")})`,
        source,
      );
    renamed.set(mapping.name, column);
  }
  return {
    entity,
    renamed,
    table: table?.name,
    columnOf: (name) => renamed.get(name) ?? (inHeader.has(name) ? name : undefined),
  };
}

/** "HubSpot contacts mapping: Record ID→id, Email→email" for the run's report. */
export function describeMapping(mapping: ColumnMapping): string | undefined {
  if (mapping.renamed.size === 0) return undefined;
  const pairs = [...mapping.renamed].map(([name, column]) => `${column}→${name}`).join(", ");
  return mapping.table ? `${mapping.table} mapping: ${pairs}` : `mapping: ${pairs}`;
}

export { CANONICAL_COLUMNS };
