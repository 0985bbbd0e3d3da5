const HUES = [232, 262, 292, 330, 10, 28, 150, 172, 198];

/** Up to two initials from a name: "Ada Lovelace" → "AL", "acme" → "AC". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return (words[0] ?? '').slice(0, 2).toUpperCase();
  return `${(words[0] ?? '')[0] ?? ''}${(words[words.length - 1] ?? '')[0] ?? ''}`.toUpperCase();
}

function hueFor(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return HUES[hash % HUES.length] ?? 232;
}

export type AvatarProps = {
  name: string;
  size?: 'md' | 'lg';
  shape?: 'circle' | 'square';
};

/** Initials on a colour derived from the name, so the same person always looks the same. */
export function Avatar({ name, size = 'md', shape = 'circle' }: AvatarProps) {
  const classes = ['ui-avatar'];
  if (size === 'lg') classes.push('ui-avatar--lg');
  if (shape === 'square') classes.push('ui-avatar--square');
  return (
    <span
      className={classes.join(' ')}
      style={{ background: `hsl(${hueFor(name)} 55% 48%)` }}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
