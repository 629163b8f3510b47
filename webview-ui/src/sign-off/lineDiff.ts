/**
 * A line diff for the small inline diffs tool calls carry, so the detail view can show what an
 * agent changed without a round trip to the host's diff editor. Common leading and trailing lines
 * are matched first; the middle gets a real LCS when it is small, and an honest "replaced block"
 * when it is not (the cost is quadratic, and a huge rewrite reads the same either way).
 */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

const LCS_LIMIT = 250_000; // cells of the LCS table: ~500×500 lines

export function lineDiff(oldText: string | null, newText: string): DiffLine[] {
  const a = oldText === null || oldText === '' ? [] : oldText.split('\n');
  const b = newText === '' ? [] : newText.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length <= LCS_LIMIT) out.push(...lcs(midA, midB));
  else out.push(...midA.map((text): DiffLine => ({ op: '-', text })), ...midB.map((text): DiffLine => ({ op: '+', text })));
  for (let i = endA; i < a.length; i++) out.push({ op: ' ', text: a[i]! });
  return out;
}

function lcs(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS of a[i..] and b[j..], flattened.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] = a[i] === b[j] ? lengths[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lengths[(i + 1) * (m + 1) + j]!, lengths[i * (m + 1) + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lengths[(i + 1) * (m + 1) + j]! >= lengths[i * (m + 1) + j + 1]!) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  while (i < n) out.push({ op: '-', text: a[i++]! });
  while (j < m) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** Shortens long runs of unchanged lines to a few lines of context around each change. */
export function withContext(lines: DiffLine[], context = 3): (DiffLine | { op: 'gap'; hidden: number })[] {
  const keep = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    if (line.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = 1;
  });
  const out: (DiffLine | { op: 'gap'; hidden: number })[] = [];
  let hidden = 0;
  lines.forEach((line, i) => {
    if (keep[i]) {
      if (hidden) out.push({ op: 'gap', hidden });
      hidden = 0;
      out.push(line);
    } else hidden++;
  });
  if (hidden) out.push({ op: 'gap', hidden });
  return out;
}
