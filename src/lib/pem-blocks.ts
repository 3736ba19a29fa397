// One-pass PEM block scanner, shared by the Secret checks (src/secrets/pem.ts) and the managed certificates
// (src/tls/managed-plan.ts). Pure: text in, blocks out.
export interface PemBlock {
  /** The word(s) between `BEGIN` and the dashes, e.g. `CERTIFICATE`, `RSA PRIVATE KEY`. */
  label: string;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`) of legacy OpenSSL encrypted keys; empty otherwise. */
  headers: Record<string, string>;
  /** The whole block, BEGIN to END, as Node's crypto wants it. */
  text: string;
}

// Kafka's own PEM reader finds blocks with a regular expression and ignores text around them (e.g. openssl's
// "Bag Attributes"), so stray text is tolerated here too. The scan is one pass over the lines (a backtracking
// regular expression is quadratic on BEGIN lines without an END, docs/webhook.md#hostile-input): a BEGIN seen
// inside an open block restarts the block, and it stops after `maxBlocks` + 1 blocks so callers can tell "too many".
const BEGIN = '-----BEGIN ';
const END = '-----END ';
const LABEL = /^[A-Z0-9 ]+$/;
const HEADER_LINE = /^([A-Za-z-]+):\s*(.*)$/;

/** Every PEM block in `text`, in order; at most `maxBlocks` + 1 of them. */
export function pemBlocks(text: string, maxBlocks: number): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { label: string; start: number; headers: Record<string, string> } | undefined;
  let lineStart = 0;
  while (lineStart < text.length && blocks.length <= maxBlocks) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const begin = beginLabel(line);
    if (begin !== undefined) {
      open = { label: begin.label, start: lineStart + begin.at, headers: {} };
    } else if (open) {
      const endMarker = `${END}${open.label}-----`;
      const at = line.indexOf(endMarker);
      if (at !== -1) {
        const end = lineStart + at + endMarker.length;
        blocks.push({ label: open.label, headers: open.headers, text: text.slice(open.start, end) });
        open = undefined;
      } else {
        const header = HEADER_LINE.exec(line.trim());
        if (header) open.headers[header[1] ?? ''] = header[2] ?? '';
      }
    }
    lineStart = lineEnd + 1;
  }
  return blocks;
}

/** The label of a `-----BEGIN X-----` marker ending the line, and where the marker starts. */
function beginLabel(line: string): { label: string; at: number } | undefined {
  const at = line.indexOf(BEGIN);
  if (at === -1) return undefined;
  const rest = line.slice(at + BEGIN.length).trimEnd();
  if (!rest.endsWith('-----')) return undefined;
  const label = rest.slice(0, -5);
  return LABEL.test(label) ? { label, at } : undefined;
}
