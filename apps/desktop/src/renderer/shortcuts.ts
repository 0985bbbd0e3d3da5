/**
 * Keyboard shortcuts as pure logic: two-key sequences (`g l`), Ctrl/Cmd+digit, and `?`. The hook
 * in `hooks/useShortcuts.ts` feeds it key events; tests feed it directly with explicit times.
 */
export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** Milliseconds, any monotonic clock. */
  at: number;
};

export type ShortcutMap<A extends string> = {
  /** `{ l: 'leads' }` makes `g` then `l` produce `leads`. */
  goTo: Readonly<Record<string, A>>;
  /** Ctrl/Cmd + 1..n, in order. */
  byDigit: readonly A[];
  help: A;
};

/** Returns a function that takes each key press and answers the action it completes, if any. */
export function createShortcutMatcher<A extends string>(
  map: ShortcutMap<A>,
  sequenceTimeoutMs = 1500,
) {
  let pendingG: number | null = null;
  return function press(event: KeyPress): A | null {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && /^[1-9]$/.test(event.key)) {
      pendingG = null;
      return map.byDigit[Number(event.key) - 1] ?? null;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return null;
    if (event.key === '?') {
      pendingG = null;
      return map.help;
    }
    const key = event.key.toLowerCase();
    if (pendingG !== null && event.at - pendingG <= sequenceTimeoutMs) {
      pendingG = null;
      return map.goTo[key] ?? null;
    }
    pendingG = key === 'g' ? event.at : null;
    return null;
  };
}

const NON_TEXT_INPUTS = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'range',
  'color',
  'file',
  'image',
]);

/** True when keys typed at this element are text, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  if (element.closest('textarea, select, [role="listbox"], [contenteditable="true"]')) return true;
  // Radios, checkboxes and buttons take no text, so shortcuts keep working there.
  return element.tagName === 'INPUT' && !NON_TEXT_INPUTS.has((element as HTMLInputElement).type);
}
