import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Icon } from './Icon.tsx';
import { Kbd } from './Kbd.tsx';

export type PaletteItem = {
  id: string;
  label: string;
  /** Heading the item is listed under ("Go to", "Views"…). */
  group?: string;
  /** Shown at the right, e.g. the shortcut. */
  shortcut?: readonly string[];
};

export type CommandPaletteProps = {
  open: boolean;
  onClose: () => void;
  /** All commands; `filter` picks and orders the ones matching the typed text. */
  items: readonly PaletteItem[];
  filter: (query: string, items: readonly PaletteItem[]) => PaletteItem[];
  onRun: (id: string) => void;
  placeholder?: string;
};

/**
 * A modal command search (Cmd/Ctrl-K): type to narrow the list, arrows to move, Enter to run,
 * Escape to close. A combobox with a listbox, on the native `<dialog>` (focus trap, inert page).
 */
export function CommandPalette({
  open,
  onClose,
  items,
  filter,
  onRun,
  placeholder = 'Type a command…',
}: CommandPaletteProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const shown = filter(query, items);
  const current = Math.min(active, Math.max(0, shown.length - 1));

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  function close() {
    setQuery('');
    setActive(0);
    onClose();
  }

  function run(item: PaletteItem | undefined) {
    if (!item) return;
    close();
    onRun(item.id);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive(Math.min(shown.length - 1, current + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(Math.max(0, current - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      run(shown[current]);
    }
  }

  const optionId = (index: number) => `${listId}-${index}`;

  return (
    <dialog
      ref={ref}
      className="ui-dialog ui-palette"
      aria-label="Command palette"
      onClose={close}
      onClick={(event) => {
        if (event.target === ref.current) close();
      }}
    >
      {open ? (
        <>
          <div className="ui-palette__search">
            <Icon name="search" size={16} />
            <input
              className="ui-palette__input"
              role="combobox"
              aria-label="Search commands"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={shown.length > 0 ? optionId(current) : undefined}
              placeholder={placeholder}
              value={query}
              autoFocus
              onChange={(event) => {
                setQuery(event.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
            />
            <Kbd>Esc</Kbd>
          </div>
          <ul id={listId} role="listbox" aria-label="Commands" className="ui-palette__list">
            {shown.length === 0 ? (
              <li className="ui-palette__empty" role="presentation">
                No command matches “{query}”
              </li>
            ) : null}
            {shown.map((item, index) => {
              const heading =
                item.group && item.group !== shown[index - 1]?.group ? item.group : null;
              return (
                <li key={item.id} role="presentation">
                  {heading ? (
                    <div className="ui-palette__group" aria-hidden="true">
                      {heading}
                    </div>
                  ) : null}
                  <div
                    id={optionId(index)}
                    role="option"
                    aria-selected={index === current}
                    className="ui-palette__option"
                    onPointerMove={() => setActive(index)}
                    onClick={() => run(item)}
                  >
                    <span className="ui-palette__label">{item.label}</span>
                    {item.shortcut ? (
                      <span className="ui-palette__shortcut">
                        {item.shortcut.map((key) => (
                          <Kbd key={key}>{key}</Kbd>
                        ))}
                      </span>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </dialog>
  );
}
