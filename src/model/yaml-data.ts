/**
 * A parsed YAML document as plain data, with aliases bounded: a file whose aliases multiply
 * (`a: &a [x, x]`, `b: &b [*a, *a]`... the "billion laughs") would expand to gigabytes, so it
 * is refused with a message instead. Used by every YAML file a client uploads (models, triggers).
 */
import type { Document } from "yaml";

/** Nodes reached through aliases, in all; ordinary files with anchors stay far below. */
export const MAX_ALIAS_NODES = 1000;

export type YamlData = { ok: true; data: unknown } | { ok: false; message: string };

export function yamlData(doc: Document): YamlData {
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: MAX_ALIAS_NODES }) };
  } catch (error) {
    // The yaml package stops an expansion past maxAliasCount with this ReferenceError.
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      return {
        ok: false,
        message: `aliases (*name) expand to too much data: more than ${MAX_ALIAS_NODES} nodes in all; write the values out, or use fewer aliases of aliases`,
      };
    throw error;
  }
}
