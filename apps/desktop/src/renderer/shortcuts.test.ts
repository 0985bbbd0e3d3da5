import { describe, expect, it } from 'vitest';
import { createShortcutMatcher } from './shortcuts.ts';
import type { KeyPress } from './shortcuts.ts';

type Action = 'leads' | 'inbox' | 'settings' | 'help';
const MAP = {
  goTo: { l: 'leads', i: 'inbox', s: 'settings' },
  byDigit: ['leads', 'inbox', 'settings'],
  help: 'help',
} as const;

const key = (k: string, at: number, mods: Partial<KeyPress> = {}): KeyPress => ({
  key: k,
  at,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

function run(presses: KeyPress[]): (Action | null)[] {
  const press = createShortcutMatcher<Action>(MAP, 1000);
  return presses.map((p) => press(p));
}

describe('createShortcutMatcher', () => {
  it.each([
    ['g then l', [key('g', 0), key('l', 100)], [null, 'leads']],
    ['g then I (shift) is case-insensitive', [key('g', 0), key('I', 100)], [null, 'inbox']],
    ['g then an unbound key does nothing', [key('g', 0), key('z', 100)], [null, null]],
    ['too slow: the sequence expires', [key('g', 0), key('l', 1001)], [null, null]],
    ['a key alone does nothing', [key('l', 0)], [null]],
    [
      'g g is a sequence of its own, so the l after it does nothing',
      [key('g', 0), key('g', 50), key('l', 100)],
      [null, null, null],
    ],
    [
      'a bound key after a finished sequence needs a new g',
      [key('g', 0), key('s', 10), key('l', 20)],
      [null, 'settings', null],
    ],
    ['Ctrl+2', [key('2', 0, { ctrlKey: true })], ['inbox']],
    ['Cmd+3', [key('3', 0, { metaKey: true })], ['settings']],
    ['Ctrl+digit beyond the list', [key('9', 0, { ctrlKey: true })], [null]],
    ['Ctrl+Alt+1 is not ours', [key('1', 0, { ctrlKey: true, altKey: true })], [null]],
    [
      'Ctrl+g then l is not a sequence',
      [key('g', 0, { ctrlKey: true }), key('l', 10)],
      [null, null],
    ],
    ['? opens help', [key('?', 0)], ['help']],
  ] as const)('%s', (_name, presses, expected) => {
    expect(run([...presses])).toEqual(expected);
  });
});
