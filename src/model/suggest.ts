/** "Did you mean ...?" for typos in keys, event types and field names. */

/**
 * Edit distance counting a swap of two neighbouring letters as one edit ("feild" is one edit from
 * "field"), case-insensitive (a wrong capital is a typo too).
 */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  const rows: number[][] = [Array.from({ length: right.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= left.length; i++) {
    const row = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) {
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[left.length][right.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a plausible typo: at most a third
 * of the word's letters wrong (so "pionts" finds "points" but "x" does not find "id").
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance && distance <= limit) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * "; did you mean points?" or "" when nothing is close. `then`, a sentence, follows either way:
 * "; did you mean page_view? Custom types..." or ". Custom types...".
 */
export function didYouMean(word: string, candidates: Iterable<string>, then?: string): string {
  const match = closest(word, candidates);
  if (match === undefined) return then === undefined ? "" : `. ${then}`;
  return then === undefined ? `; did you mean ${match}?` : `; did you mean ${match}? ${then}`;
}
