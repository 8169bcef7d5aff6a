/**
 * JSON request bodies. A key that could alter object prototypes when the body is later merged
 * into another object (`__proto__`, or `constructor` holding `prototype`) is refused with a 400
 * naming where it is: refusing is simpler to explain than dropping it silently.
 */
import { RequestError } from "./errors.js";
import { fieldPath } from "./route.js";

type Path = (string | number)[];

/** Where the first forbidden key is, or undefined. Iterative: deep nesting cannot overflow. */
function forbiddenKeyPath(root: unknown): Path | undefined {
  const stack: { value: unknown; path: Path }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: Path };
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, path: [...path, index] });
      });
      continue;
    }
    if (Object.hasOwn(value, "__proto__")) return [...path, "__proto__"];
    const ctor = Object.hasOwn(value, "constructor")
      ? (value as { constructor: unknown }).constructor
      : undefined;
    if (typeof ctor === "object" && ctor !== null && Object.hasOwn(ctor, "prototype"))
      return [...path, "constructor", "prototype"];
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

/** Only texts that could hold such a key are walked (an escape could spell one). */
const mayHideForbiddenKey = (text: string) =>
  text.includes("__proto__") || text.includes("constructor") || text.includes("\\u");

/**
 * The first nesting level past `limit` in a JSON text, or 0 when there is none. One pass over
 * the characters, skipping strings; run before JSON.parse on routes whose handlers walk the
 * whole document recursively (model uploads), where a document nested thousands deep would
 * overflow the stack. Item and batch routes bound nesting per field instead (input-limits.ts),
 * which costs nothing on the bodies that pass.
 */
export function nestingPast(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: the next character is escaped
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return 0;
}

export function parseJsonBody(text: string, maxDepth?: number): unknown {
  if (text.trim() === "") throw new RequestError(400, "invalid_json", "body: empty; send a JSON document");
  if (maxDepth !== undefined && nestingPast(text, maxDepth) > 0)
    throw new RequestError(
      400,
      "invalid_json",
      `body: nested deeper than ${maxDepth} levels of objects and arrays; no document this route takes needs that many`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, "invalid_json", `body: not valid JSON: ${(error as Error).message}`);
  }
  if (!mayHideForbiddenKey(text)) return value;
  const path = forbiddenKeyPath(value);
  if (path === undefined) return value;
  const field = fieldPath("", path);
  const message = `the key ${path.at(-1) === "prototype" ? "constructor.prototype" : "__proto__"} is refused: it could alter object prototypes; rename it`;
  throw new RequestError(400, "forbidden_key", `${field}: ${message}`, [{ field, message }]);
}
