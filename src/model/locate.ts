/** Line and column of a JSON path in a parsed YAML document. */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { ModelPath } from "./errors.js";

export interface Position {
  line: number;
  column: number;
}

/**
 * Where the value at `path` is written; the nearest existing parent when it is missing. A scalar
 * points at the value itself; a mapping or list points at its key ("when:"), which is the line an
 * author looks for. With `atKey`, a mapping entry always points at its key (for unknown keys).
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: ModelPath,
  atKey = false,
): Position | undefined {
  let node: unknown = doc.contents;
  let anchor: Node | undefined = isNode(node) ? node : undefined;
  for (const segment of path) {
    node = resolveAlias(doc, node);
    const step = child(node, segment);
    if (step === undefined) break;
    node = step.value;
    const useKey = step.key !== undefined && (atKey || !(isScalar(step.value) && step.value.range));
    anchor = useKey ? step.key : isNode(step.value) ? step.value : step.key;
  }
  const offset = anchor?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function child(node: unknown, segment: string | number): { key?: Node; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : String(key);
      if (name === String(segment)) return { key: isNode(key) ? key : undefined, value: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function resolveAlias(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}
