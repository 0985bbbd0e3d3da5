/**
 * Presence in the thread header, pure parts (issue 5, "who else is viewing this conversation"):
 * the sentence under the avatars, and a typing tracker that tells the engine when I start and
 * stop composing (a keystroke starts it; `idleMs` without one stops it).
 */
export interface PresenceViewer {
  userId: string;
  name: string;
  typing: boolean;
}

const list = (names: string[]): string =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** "Ada is viewing", "Ada is typing…", "Ada and Ben are viewing", "Ada, Ben and 2 others …". */
export function presenceText(viewers: readonly PresenceViewer[], max = 3): string {
  if (viewers.length === 0) return '';
  const name = (v: PresenceViewer) => v.name || 'Someone';
  const typing = viewers.filter((v) => v.typing);
  const rest = viewers.filter((v) => !v.typing);
  const parts: string[] = [];
  const phrase = (vs: PresenceViewer[], one: string, many: string) => {
    if (vs.length === 0) return;
    const shown = vs.length > max ? vs.slice(0, max - 1).map(name) : vs.map(name);
    if (vs.length > max) shown.push(`${vs.length - (max - 1)} others`);
    parts.push(`${list(shown)} ${vs.length === 1 ? one : many}`);
  };
  phrase(typing, 'is typing…', 'are typing…');
  phrase(rest, 'is viewing', 'are viewing');
  return parts.join('; ');
}

/**
 * Tracks my typing in one conversation: `keystroke(at)` returns true when the engine should be
 * told "typing" (the first keystroke after idle), `idle(at)` true when it should be told "stopped"
 * (no keystroke for `idleMs`).
 */
export function createTypingTracker(idleMs = 4000) {
  let last = -Infinity;
  let typing = false;
  return {
    keystroke(at: number): boolean {
      last = at;
      if (typing) return false;
      typing = true;
      return true;
    },
    idle(at: number): boolean {
      if (!typing || at - last < idleMs) return false;
      typing = false;
      return true;
    },
    get typing() {
      return typing;
    },
  };
}
