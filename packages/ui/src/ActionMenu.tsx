import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';

export type ActionItem = { id: string; label: string; danger?: boolean; disabled?: boolean };

export type ActionMenuProps = {
  /** Accessible name of the trigger, e.g. "Actions for Hot leads". */
  label: string;
  trigger: ReactNode;
  triggerClassName?: string;
  items: readonly ActionItem[];
  onSelect: (id: string) => void;
  align?: 'start' | 'end';
};

/**
 * A button opening a menu of commands (`role="menu"`). Arrows, Home and End move; Enter or Space
 * runs; Escape or Tab closes and focus returns to the button.
 */
export function ActionMenu({
  label,
  trigger,
  triggerClassName = 'ui-button ui-button--ghost ui-button--sm',
  items,
  onSelect,
  align = 'end',
}: ActionMenuProps) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const enabled = items.map((item, index) => (item.disabled ? -1 : index)).filter((i) => i >= 0);

  useEffect(() => {
    if (!open) return;
    itemRefs.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  function close(returnFocus: boolean) {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const at = enabled.indexOf(active);
    const moves: Record<string, number | undefined> = {
      ArrowDown: enabled[Math.min(enabled.length - 1, at + 1)],
      ArrowUp: enabled[Math.max(0, at - 1)],
      Home: enabled[0],
      End: enabled[enabled.length - 1],
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      setActive(next);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'Tab') close(false);
  }

  return (
    <div className="ui-popover" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={triggerClassName}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => {
          setActive(enabled[0] ?? 0);
          setOpen(!open);
        }}
      >
        {trigger}
      </button>
      {open ? (
        <div
          id={menuId}
          role="menu"
          aria-label={label}
          className={`ui-popover__panel ui-popover__panel--${align} ui-action-menu`}
          onKeyDown={onKeyDown}
        >
          {items.map((item, index) => (
            <button
              key={item.id}
              ref={(el) => {
                itemRefs.current[index] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={index === active ? 0 : -1}
              disabled={item.disabled}
              className={
                item.danger
                  ? 'ui-action-menu__item ui-action-menu__item--danger'
                  : 'ui-action-menu__item'
              }
              onClick={() => {
                close(true);
                onSelect(item.id);
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
