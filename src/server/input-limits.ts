/**
 * Bounds on what one item (event, contact, company, Segment message part) may hold: nesting
 * depth, keys, length of one string, size. Checked in validation, before a request shares a
 * transaction with others, so an item that later code could not store (or would overflow the
 * stack on) fails its own request with a 400 and nothing else.
 */

export interface InputLimits {
  /** Levels of objects and arrays, the properties object itself being level 1. */
  maxDepth: number;
  /** Keys across every level. */
  maxKeys: number;
  /** Characters of one string value. */
  maxStringLength: number;
  /** Characters of the item's JSON text (escapes aside). */
  maxJsonChars: number;
}

/**
 * Segment caps a message at 32 KB; these leave room above that for any SDK traffic while a
 * single item stays far below what a transaction or a scoring pass minds.
 */
export const INPUT_LIMITS: InputLimits = {
  maxDepth: 32,
  maxKeys: 1000,
  maxStringLength: 16_384,
  maxJsonChars: 65_536,
};

export interface LimitProblem {
  /** Relative to the checked object: ["a", "b", 3]. */
  path: PropertyKey[];
  message: string;
}

interface Frame {
  value: object;
  depth: number;
  key: PropertyKey;
  parent: Frame | undefined;
}

function pathOf(frame: Frame | undefined, last?: PropertyKey): PropertyKey[] {
  const path: PropertyKey[] = last === undefined ? [] : [last];
  for (let at = frame; at?.parent !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * Most properties objects are flat (strings, numbers, booleans): those within the bounds are
 * passed in one loop, without the walk's frames, as this runs for every event ingested.
 */
function flatAndWithin(root: object, limits: InputLimits): boolean {
  if (Array.isArray(root)) return false;
  const keys = Object.keys(root);
  if (keys.length > limits.maxKeys) return false;
  let chars = 2;
  for (const key of keys) {
    const value = (root as Record<string, unknown>)[key];
    if (typeof value === "string") {
      if (value.length > limits.maxStringLength) return false;
      chars += key.length + value.length + 6;
    } else if (typeof value === "object" && value !== null) return false;
    else chars += key.length + 10;
  }
  return chars <= limits.maxJsonChars;
}

/**
 * The first bound the object breaks, or undefined. Iterative (an explicit stack), so a value
 * nested 20,000 deep is refused without recursion; stops at the first problem.
 */
export function limitProblem(root: object, limits: InputLimits = INPUT_LIMITS): LimitProblem | undefined {
  if (flatAndWithin(root, limits)) return undefined;
  const stack: Frame[] = [{ value: root, depth: 1, key: "", parent: undefined }];
  let keys = 0;
  let chars = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const visit = (value: unknown, key: PropertyKey): LimitProblem | undefined => {
      if (typeof value === "string") {
        if (value.length > limits.maxStringLength)
          return {
            path: pathOf(frame, key),
            message: `too long: ${value.length} characters, at most ${limits.maxStringLength}`,
          };
        chars += value.length + 2;
      } else if (typeof value === "object" && value !== null) {
        if (frame.depth >= limits.maxDepth)
          return { path: pathOf(frame, key), message: `nested deeper than ${limits.maxDepth} levels` };
        stack.push({ value, depth: frame.depth + 1, key, parent: frame });
        chars += 2;
      } else {
        chars += 6;
      }
      return undefined;
    };
    const value = frame.value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = visit(value[i], i);
        if (problem) return problem;
      }
      chars += value.length;
    } else {
      for (const key of Object.keys(value)) {
        if (++keys > limits.maxKeys)
          return { path: [], message: `more than ${limits.maxKeys} keys (counted across every level)` };
        chars += key.length + 4;
        const problem = visit((value as Record<string, unknown>)[key], key);
        if (problem) return problem;
      }
    }
    if (chars > limits.maxJsonChars)
      return { path: [], message: `larger than ${limits.maxJsonChars} characters as JSON` };
  }
  return undefined;
}
