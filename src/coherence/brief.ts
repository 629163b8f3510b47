/**
 * The rules in a few lines an agent can read before it starts: what each layer may import and use,
 * what is protected, how large a task may be, which imports are written another way. Sent with a
 * task's first prompt (setting `podium.coherence.briefAgents`), so the agent hears the architecture
 * before it breaks it rather than after.
 */
import type { RuleSet } from './rules';

/** At most this many lines of rules; the rest is named by where to read it. */
const MAX_LINES = 24;

export function rulesDigest(rules: RuleSet): string | undefined {
  const lines: string[] = [];
  const where = (base: string, globs: string[]) => globs.map((g) => (base ? `${base}/${g}` : g)).join(', ');
  for (const l of rules.layers) {
    const parts: string[] = [];
    if (l.mayImport) parts.push(`may import only ${l.mayImport.join(', ') || 'nothing from other layers'}`);
    if (l.mayNotImport?.length) parts.push(`may not import ${l.mayNotImport.join(', ')}`);
    if (l.mayUse) parts.push(`may use only the packages ${l.mayUse.join(', ')}`);
    if (l.mayNotUse?.length) parts.push(`may not use ${l.mayNotUse.join(', ')}`);
    lines.push(`- Layer "${l.name}" (${where(l.base, l.paths)})${parts.length ? `: ${parts.join('; ')}` : ''}.`);
  }
  for (const c of rules.cycles) lines.push(`- No dependency cycle between the layers ${c.layers.join(', ')}.`);
  for (const p of rules.protected) lines.push(`- Protected, leave unchanged unless asked: ${where(p.base, p.paths)}.`);
  for (const b of rules.balance) {
    const limits = [
      b.maxLines !== undefined && `at most ${b.maxLines} changed lines`,
      b.maxFiles !== undefined && `${b.maxFiles} files`,
      b.maxLayers !== undefined && `${b.maxLayers} layers`,
      b.maxHunkLines !== undefined && `${b.maxHunkLines} lines in one change`,
    ].filter(Boolean);
    if (limits.length) lines.push(`- Keep a task small: ${limits.join(', ')}.`);
  }
  for (const r of rules.imports) if (r.message) lines.push(`- ${r.message}`);
  if (lines.length === 0) return undefined;
  const shown = lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `- …and ${lines.length - MAX_LINES} more.`] : lines;
  const from = rules.notes.length ? ` (from ${rules.notes.slice(0, 3).join(', ')}${rules.notes.length > 3 ? '…' : ''})` : '';
  return `Architecture rules of this workspace${from}. The engineer reviews every change against them:\n${shown.join('\n')}`;
}
