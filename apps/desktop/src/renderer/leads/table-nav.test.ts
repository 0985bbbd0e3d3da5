import { describe, expect, it } from 'vitest';
import { createLeadKeys, INITIAL_NAV, isSelected, navReducer, selectedCount } from './table-nav.ts';
import type { LeadKeyPress, NavAction, NavState } from './table-nav.ts';

const idAt = (i: number) => (i >= 0 && i < 1000 && i !== 7 ? `lead-${i}` : undefined);
const run = (actions: NavAction[], from: NavState = INITIAL_NAV) =>
  actions.reduce(navReducer, from);
const ids = (s: NavState) => (s.selection.mode === 'ids' ? [...s.selection.ids].sort() : null);

describe('navReducer', () => {
  it('j/k move the cursor within the rows, starting from the top or the bottom', () => {
    expect(run([{ type: 'move', delta: 1, total: 3 }]).cursor).toBe(0);
    expect(run([{ type: 'move', delta: -1, total: 3 }]).cursor).toBe(2);
    const s = run([
      { type: 'move', delta: 1, total: 3 },
      { type: 'move', delta: 1, total: 3 },
      { type: 'move', delta: 1, total: 3 },
      { type: 'move', delta: 1, total: 3 },
    ]);
    expect(s.cursor).toBe(2);
    expect(run([{ type: 'move', delta: 1, total: 0 }]).cursor).toBeNull();
  });

  it('x toggles the row under the cursor', () => {
    const s = run([
      { type: 'moveTo', index: 4, total: 10 },
      { type: 'toggleCursor', idAt },
    ]);
    expect(ids(s)).toEqual(['lead-4']);
    expect(ids(navReducer(s, { type: 'toggleCursor', idAt }))).toEqual([]);
  });

  it('click moves the cursor; cmd-click toggles; shift-click selects the range from the anchor', () => {
    let s = run([{ type: 'click', index: 2, id: 'lead-2', range: false, toggle: false, idAt }]);
    expect(s.cursor).toBe(2);
    expect(ids(s)).toEqual([]);
    s = navReducer(s, { type: 'click', index: 3, id: 'lead-3', range: false, toggle: true, idAt });
    expect(ids(s)).toEqual(['lead-3']);
    s = navReducer(s, { type: 'click', index: 9, id: 'lead-9', range: true, toggle: false, idAt });
    // 3..9 except 7, whose page is not loaded.
    expect(ids(s)).toEqual(['lead-3', 'lead-4', 'lead-5', 'lead-6', 'lead-8', 'lead-9']);
    expect(s.cursor).toBe(9);
    expect(s.anchor).toBe(3);
    s = navReducer(s, { type: 'click', index: 5, id: 'lead-5', range: false, toggle: true, idAt });
    expect(isSelected(s.selection, 'lead-5')).toBe(false);
  });

  it('shift-j extends the selection as the cursor moves', () => {
    const s = run([
      { type: 'moveTo', index: 1, total: 10 },
      { type: 'move', delta: 1, total: 10, extend: true, idAt },
      { type: 'move', delta: 1, total: 10, extend: true, idAt },
    ]);
    expect(ids(s)).toEqual(['lead-1', 'lead-2', 'lead-3']);
  });

  it('select-all covers every lead in the view without listing them, minus toggled-off rows', () => {
    let s = run([{ type: 'selectAll' }]);
    expect(selectedCount(s.selection, 1_000_000)).toBe(1_000_000);
    expect(isSelected(s.selection, 'anything')).toBe(true);
    s = navReducer(s, { type: 'click', index: 1, id: 'lead-1', range: false, toggle: true, idAt });
    expect(selectedCount(s.selection, 1_000_000)).toBe(999_999);
    expect(isSelected(s.selection, 'lead-1')).toBe(false);
    s = navReducer(s, { type: 'clearSelection' });
    expect(selectedCount(s.selection, 1_000_000)).toBe(0);
    expect(navReducer(s, { type: 'reset' })).toEqual(INITIAL_NAV);
  });
});

describe('createLeadKeys', () => {
  const press = (
    keys: ReturnType<typeof createLeadKeys>,
    key: string,
    at: number,
    more: Partial<LeadKeyPress> = {},
  ) =>
    keys({
      key,
      at,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      typing: false,
      ...more,
    });

  it('maps the table keys', () => {
    const keys = createLeadKeys();
    expect(press(keys, 'j', 0)).toEqual({ type: 'move', delta: 1, extend: false });
    expect(press(keys, 'k', 10)).toEqual({ type: 'move', delta: -1, extend: false });
    expect(press(keys, 'J', 20, { shiftKey: true })).toEqual({
      type: 'move',
      delta: 1,
      extend: true,
    });
    expect(press(keys, 'Enter', 30)).toEqual({ type: 'open' });
    expect(press(keys, 'x', 40)).toEqual({ type: 'toggle' });
    expect(press(keys, '/', 50)).toEqual({ type: 'focusSearch' });
    expect(press(keys, 'n', 60)).toEqual({ type: 'newLead' });
    expect(press(keys, 'Escape', 70)).toEqual({ type: 'escape' });
    expect(press(keys, 'a', 80, { metaKey: true })).toEqual({ type: 'selectAll' });
    expect(press(keys, 'q', 90)).toBeNull();
  });

  it('Cmd/Ctrl-K opens the palette even while typing; other keys are text there', () => {
    const keys = createLeadKeys();
    expect(press(keys, 'k', 0, { ctrlKey: true, typing: true })).toEqual({ type: 'palette' });
    expect(press(keys, 'K', 0, { metaKey: true, shiftKey: true })).toEqual({ type: 'palette' });
    expect(press(keys, 'j', 0, { typing: true })).toBeNull();
    expect(press(keys, 'Escape', 0, { typing: true })).toBeNull();
  });

  it('the key after g belongs to the g-shortcuts (g then n is not "new lead")', () => {
    const keys = createLeadKeys(1000);
    expect(press(keys, 'g', 0)).toBeNull();
    expect(press(keys, 'n', 100)).toBeNull();
    expect(press(keys, 'n', 200)).toEqual({ type: 'newLead' });
    expect(press(keys, 'g', 300)).toBeNull();
    expect(press(keys, 'j', 2000)).toEqual({ type: 'move', delta: 1, extend: false });
  });
});
