// Near-miss suggestions for enum values: `linkMode: source` → did you mean "Source"?

/** Levenshtein distance, counting an adjacent transposition as one edit (so "ACTVIE" is near "ACTIVE"). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The supported value the user most likely meant, or undefined when nothing is close.
 * Case-insensitive equality wins outright; otherwise the closest value within a third of its length.
 */
export function nearMiss(value: string, supported: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  const exact = supported.find((s) => s.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  if (value.length > 64) return undefined; // not worth comparing against garbage
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of supported) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** The detail sentence for an Unsupported value error. */
export function suggestionDetail(value: unknown, supported: readonly string[]): string {
  if (typeof value !== 'string') return '';
  const guess = nearMiss(value, supported);
  if (guess === undefined) return '';
  return guess.toLowerCase() === value.toLowerCase()
    ? `did you mean "${guess}"? values are case-sensitive`
    : `did you mean "${guess}"?`;
}
