// Admission warnings as the API server will actually forward them: it silently drops a warning with
// control characters (newlines included) or invalid UTF-8, and cuts the list once 4096 characters are
// used (apiserver filters/warning.go). We sanitise first so nothing the user should see gets lost.

/** Hard cap per warning (the API server truncates to 256 runes). */
export const WARNING_MAX_CHARS = 256;
/** Total budget of all warnings of one response. */
export const WARNINGS_TOTAL_MAX_CHARS = 4096;

const runes = (s: string): string[] => [...s];

/**
 * True when sanitizeWarning would return `s` unchanged: printable ASCII only (no control character, no surrogate),
 * no two spaces in a row, nothing to trim, at most 256 characters. The rules' own warnings all are: one char loop
 * instead of four regex passes and a code-point array (docs/performance.md#the-hot-path).
 */
function isCleanAscii(s: string): boolean {
  if (s.length > WARNING_MAX_CHARS || s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || (c === 32 && s.charCodeAt(i + 1) === 32)) return false;
  }
  return true;
}

/** One warning made safe: control characters become spaces, lone surrogates U+FFFD, cut at 256 characters. */
export function sanitizeWarning(text: unknown): string {
  if (typeof text === 'string' && isCleanAscii(text)) return text;
  const s = String(text)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  const chars = runes(s);
  return chars.length <= WARNING_MAX_CHARS ? s : `${chars.slice(0, WARNING_MAX_CHARS - 1).join('')}…`;
}

/** Sanitised, deduplicated warnings within the total budget; a final note says how many were left out. */
export function sanitizeWarnings(warnings: readonly unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let used = 0;
  let omitted = 0;
  for (const w of warnings) {
    const clean = sanitizeWarning(w);
    if (clean === '' || seen.has(clean)) continue;
    seen.add(clean);
    const size = isCleanAscii(clean) ? clean.length : runes(clean).length;
    if (used + size > WARNINGS_TOTAL_MAX_CHARS) {
      omitted++;
      continue;
    }
    out.push(clean);
    used += size;
  }
  if (omitted > 0) {
    const note = `${omitted} more warning${omitted === 1 ? '' : 's'} not shown`;
    // Make room for the note by dropping the last shown warning(s) if needed.
    while (out.length > 0 && used + note.length > WARNINGS_TOTAL_MAX_CHARS) used -= runes(out.pop()!).length;
    out.push(note);
  }
  return out;
}
