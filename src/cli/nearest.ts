/**
 * The known name closest to a mistyped one: the smallest edit distance, then the longest
 * common beginning (a typo seldom hits the first letters), then the earlier name.
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

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}
