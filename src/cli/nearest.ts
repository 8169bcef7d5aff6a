import { editDistance } from "../model/suggest.js";

/**
 * The known name closest to a mistyped one, however far (model/suggest.ts's `closest` keeps only
 * plausible typos; a command line always gets a suggestion): the smallest edit distance, then
 * the longest common beginning (a typo seldom hits the first letters), then the earlier name.
 */
export function nearestName(typed: string, names: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  let best: { name: string; distance: number; prefix: number } | undefined;
  for (const name of names) {
    const candidate = { name, distance: editDistance(word, name), prefix: commonPrefix(word, name) };
    if (
      !best ||
      candidate.distance < best.distance ||
      (candidate.distance === best.distance && candidate.prefix > best.prefix)
    )
      best = candidate;
  }
  return best?.name;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}
