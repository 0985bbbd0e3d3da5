/**
 * Keyboard and selection logic of the lead table, pure: which command a key press means
 * (`createLeadKeys`) and how the cursor and the selection change (`navReducer`). Rows are
 * addressed by index in the current query; the selection holds lead ids (so it survives
 * scrolling and refreshes), or "every lead in the view except these" after select-all, so
 * selecting a million leads does not list a million ids.
 */

export type Selection =
  { mode: 'ids'; ids: ReadonlySet<string> } | { mode: 'all'; except: ReadonlySet<string> };

export type NavState = {
  /** The row the keyboard is on. */
  cursor: number | null;
  /** Where a shift-click range starts. */
  anchor: number | null;
  selection: Selection;
};

export const NO_SELECTION: Selection = { mode: 'ids', ids: new Set() };
export const INITIAL_NAV: NavState = { cursor: null, anchor: null, selection: NO_SELECTION };

export type NavAction =
  /** j / k / arrows; `extend` (shift) also selects the rows passed. */
  | { type: 'move'; delta: number; total: number; extend?: boolean; idAt?: IdAt }
  | { type: 'moveTo'; index: number; total: number }
  /** A click on a row (or its checkbox). */
  | {
      type: 'click';
      index: number;
      id: string;
      /** Shift: select from the anchor to here. */
      range: boolean;
      /** Cmd/Ctrl or the checkbox: add or remove this row. */
      toggle: boolean;
      idAt: IdAt;
    }
  /** x: toggle the row under the cursor. */
  | { type: 'toggleCursor'; idAt: IdAt }
  | { type: 'selectAll' }
  | { type: 'clearSelection' }
  /** The query changed: the cursor goes back to the top, the selection is emptied. */
  | { type: 'reset' };

/** The id of the row at an index, when its page is loaded. */
export type IdAt = (index: number) => string | undefined;

export function isSelected(selection: Selection, id: string): boolean {
  return selection.mode === 'ids' ? selection.ids.has(id) : !selection.except.has(id);
}

export function selectedCount(selection: Selection, total: number): number {
  return selection.mode === 'ids' ? selection.ids.size : Math.max(0, total - selection.except.size);
}

function setSelected(selection: Selection, ids: readonly string[], on: boolean): Selection {
  if (selection.mode === 'ids') {
    const next = new Set(selection.ids);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    return { mode: 'ids', ids: next };
  }
  const except = new Set(selection.except);
  for (const id of ids) {
    if (on) except.delete(id);
    else except.add(id);
  }
  return { mode: 'all', except };
}

function idsBetween(a: number, b: number, idAt: IdAt): string[] {
  const ids: string[] = [];
  for (let i = Math.min(a, b); i <= Math.max(a, b); i += 1) {
    const id = idAt(i);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

function clamp(index: number, total: number): number | null {
  if (total <= 0) return null;
  return Math.min(total - 1, Math.max(0, index));
}

export function navReducer(state: NavState, action: NavAction): NavState {
  switch (action.type) {
    case 'move': {
      const from = state.cursor ?? (action.delta > 0 ? -1 : action.total);
      const cursor = clamp(from + action.delta, action.total);
      if (cursor === null) return state;
      if (action.extend && action.idAt) {
        const start = state.cursor ?? cursor;
        const ids = idsBetween(start, cursor, action.idAt);
        return {
          cursor,
          anchor: state.anchor ?? start,
          selection: setSelected(state.selection, ids, true),
        };
      }
      return { ...state, cursor, anchor: cursor };
    }
    case 'moveTo': {
      const cursor = clamp(action.index, action.total);
      return cursor === null ? state : { ...state, cursor, anchor: cursor };
    }
    case 'click': {
      if (action.range && state.anchor !== null) {
        const ids = idsBetween(state.anchor, action.index, action.idAt);
        return {
          ...state,
          cursor: action.index,
          selection: setSelected(state.selection, ids, true),
        };
      }
      if (action.toggle) {
        const on = !isSelected(state.selection, action.id);
        return {
          cursor: action.index,
          anchor: action.index,
          selection: setSelected(state.selection, [action.id], on),
        };
      }
      return { ...state, cursor: action.index, anchor: action.index };
    }
    case 'toggleCursor': {
      if (state.cursor === null) return state;
      const id = action.idAt(state.cursor);
      if (id === undefined) return state;
      const on = !isSelected(state.selection, id);
      return { ...state, anchor: state.cursor, selection: setSelected(state.selection, [id], on) };
    }
    case 'selectAll':
      return { ...state, selection: { mode: 'all', except: new Set() } };
    case 'clearSelection':
      return { ...state, selection: NO_SELECTION };
    case 'reset':
      return INITIAL_NAV;
  }
}

/** What a key press asks of the leads area. */
export type LeadCommand =
  | { type: 'move'; delta: number; extend: boolean }
  | { type: 'open' }
  | { type: 'toggle' }
  | { type: 'focusSearch' }
  | { type: 'palette' }
  | { type: 'newLead' }
  | { type: 'selectAll' }
  | { type: 'escape' };

export type LeadKeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** Milliseconds, any monotonic clock. */
  at: number;
  /** True when the key goes to a text field (only Cmd/Ctrl-K and Escape count there). */
  typing: boolean;
};

/**
 * Returns a function that maps each key press to a command. The key right after `g` belongs to
 * the app's `g <area>` shortcuts, so it is not a table command.
 */
export function createLeadKeys(sequenceTimeoutMs = 1500) {
  let gAt: number | null = null;
  return function press(event: LeadKeyPress): LeadCommand | null {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && event.key.toLowerCase() === 'k') return { type: 'palette' };
    if (event.typing) return null;
    if (event.key === 'Escape') return { type: 'escape' };
    if (mod && !event.altKey && event.key.toLowerCase() === 'a') return { type: 'selectAll' };
    if (mod || event.altKey) return null;
    const afterG = gAt !== null && event.at - gAt <= sequenceTimeoutMs;
    gAt = event.key === 'g' ? event.at : null;
    if (afterG) return null;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        return { type: 'move', delta: 1, extend: false };
      case 'J':
        return { type: 'move', delta: 1, extend: true };
      case 'k':
      case 'ArrowUp':
        return { type: 'move', delta: -1, extend: false };
      case 'K':
        return { type: 'move', delta: -1, extend: true };
      case 'Enter':
      case 'o':
        return { type: 'open' };
      case 'x':
        return { type: 'toggle' };
      case '/':
        return { type: 'focusSearch' };
      case 'n':
        return { type: 'newLead' };
      default:
        return null;
    }
  };
}
