import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { Icon } from './Icon.tsx';

export type MenuItem = { id: string; label: string; hint?: string; leading?: ReactNode };

export type MenuProps = {
  /** Accessible name of the trigger and the list, e.g. "Switch workspace". */
  label: string;
  /** What the closed trigger shows. */
  trigger: ReactNode;
  /** Accessible name of the trigger when it should differ from `label` (e.g. include the current value). */
  triggerLabel?: string;
  items: readonly MenuItem[];
  selectedId?: string;
  onSelect: (id: string) => void;
};

/**
 * A button that opens a single-select listbox. Keyboard: Enter, Space or ArrowDown opens; arrows,
 * Home and End move; Enter or Space chooses; Escape or Tab closes and focus returns to the button.
 */
export function Menu({ label, trigger, triggerLabel, items, selectedId, onSelect }: MenuProps) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) return;
    listRef.current?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  function openList(at?: number) {
    const selected = items.findIndex((item) => item.id === selectedId);
    setActive(at ?? Math.max(0, selected));
    setOpen(true);
  }

  function close(returnFocus: boolean) {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }

  function choose(index: number) {
    const item = items[index];
    close(true);
    if (item && item.id !== selectedId) onSelect(item.id);
  }

  function onTriggerKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openList(event.key === 'ArrowUp' ? items.length - 1 : undefined);
    }
  }

  function onListKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const last = items.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, active + 1),
      ArrowUp: Math.max(0, active - 1),
      Home: 0,
      End: last,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      setActive(next);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    }
  }

  const optionId = (index: number) => `${listId}-option-${index}`;

  return (
    <div className="ui-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="ui-menu__trigger"
        aria-label={triggerLabel ?? label}
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={() => (open ? close(false) : openList())}
        onKeyDown={onTriggerKeyDown}
      >
        {trigger}
        <Icon name="chevrons" size={14} />
      </button>
      {open ? (
        <ul
          ref={listRef}
          id={listId}
          className="ui-menu__list"
          role="listbox"
          aria-label={label}
          tabIndex={-1}
          aria-activedescendant={items.length > 0 ? optionId(active) : undefined}
          onKeyDown={onListKeyDown}
        >
          {items.map((item, index) => (
            <li
              key={item.id}
              id={optionId(index)}
              role="option"
              aria-selected={item.id === selectedId}
              data-active={index === active}
              className="ui-menu__option"
              onPointerMove={() => setActive(index)}
              onClick={() => choose(index)}
            >
              {item.leading}
              <span className="ui-menu__option-text">
                {item.label}
                {item.hint ? <span className="ui-menu__option-hint">{item.hint}</span> : null}
              </span>
              {item.id === selectedId ? (
                <span className="ui-menu__check">
                  <Icon name="check" size={15} />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
