/**
 * The command palette's matching: every word typed must appear in the command (its label or
 * group), and commands whose words start with what was typed come first. Pure.
 */
export type Command = { id: string; label: string; group?: string };

function score(command: Command, words: readonly string[]): number | null {
  const label = command.label.toLowerCase();
  const haystack = `${label} ${command.group?.toLowerCase() ?? ''}`;
  let total = 0;
  for (const word of words) {
    const at = haystack.indexOf(word);
    if (at < 0) return null;
    if (label.startsWith(word)) total += 0;
    else if (new RegExp(`(^|[^a-z0-9])${escape(word)}`).test(label)) total += 1;
    else if (label.includes(word)) total += 2;
    else total += 3;
  }
  return total;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The commands matching `query`, best first; all of them, in their order, for an empty query. */
export function matchCommands<C extends Command>(query: string, commands: readonly C[]): C[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...commands];
  const scored: { command: C; score: number; index: number }[] = [];
  commands.forEach((command, index) => {
    const s = score(command, words);
    if (s !== null) scored.push({ command, score: s, index });
  });
  scored.sort((a, b) => a.score - b.score || a.index - b.index);
  return scored.map((s) => s.command);
}
