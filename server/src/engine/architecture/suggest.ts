/** "Did you mean ...?" suggestions for misspelled names. */

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible
 * typo (case, separators, a few letters, or one name containing the other).
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const normalise = (s: string) => s.toLowerCase().replace(/[-_.\s]/g, '');
  const needle = normalise(input);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const hay = normalise(candidate);
    let score = editDistance(needle, hay);
    const limit = Math.max(1, Math.floor(Math.max(needle.length, hay.length) / 3));
    if (score > limit) {
      const contained = needle.length >= 3 && hay.length >= 3 && (hay.includes(needle) || needle.includes(hay));
      if (!contained) continue;
      score = limit + 0.5;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** `"a", "b" and "c"` */
export function quotedList(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
