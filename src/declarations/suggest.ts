// "Did you mean": the one allowed word closest to a mistyped one, when it is close enough to be what
// was meant. Used for unknown fields and reference kinds here, and for commands and flags by the CLI.

/** Case, `-` and `_` are how a word is spelt, not which word it is: `api_key`, `Api-Key` and `apiKey` are one. */
const normal = (word: string) => word.toLowerCase().replaceAll(/[-_]/g, "");

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: "nmae" is one from "name". */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `word` was most likely meant to be, or undefined when none is close: the same word
 * spelt otherwise, or one edit away (two for a word of six letters or more). Short words get no
 * guess: "ab" is one edit from too many things. `candidates` may map a spelling to what to suggest for
 * it (an API field name to the declaration's, say).
 */
export function closest(word: string, candidates: Iterable<string | readonly [string, string]>): string | undefined {
  const typed = normal(word);
  const allowed = typed.length < 3 ? 0 : typed.length < 6 ? 1 : 2;
  let best: { suggestion: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const [spelling, suggestion] = typeof candidate === "string" ? [candidate, candidate] : candidate;
    // Words whose lengths differ by more than the edits allowed are further apart: not measured (a long key costs nothing).
    if (Math.abs(normal(spelling).length - typed.length) > allowed) continue;
    const distance = editDistance(typed, normal(spelling));
    if (distance <= allowed && (!best || distance < best.distance)) best = { suggestion, distance };
  }
  return best?.suggestion;
}
