import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';

export type PopoverProps = {
  /** Accessible name of the panel (and of the trigger unless `triggerLabel` is given). */
  label: string;
  /** What the trigger button shows. */
  trigger: ReactNode;
  triggerLabel?: string;
  triggerClassName?: string;
  /** Controlled open state (optional). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Which edge of the trigger the panel lines up with. */
  align?: 'start' | 'end';
  className?: string;
  children: ReactNode | ((close: () => void) => ReactNode);
};

/**
 * A button that opens a non-modal panel under it (a `dialog` without the modal's inert page):
 * the first control in the panel takes focus; Escape or a click outside closes it and focus
 * returns to the button.
 */
export function Popover({
  label,
  trigger,
  triggerLabel,
  triggerClassName = 'ui-button ui-button--secondary ui-button--sm',
  open: controlled,
  onOpenChange,
  align = 'start',
  className,
  children,
}: PopoverProps) {
  const [uncontrolled, setUncontrolled] = useState(false);
  /** Bumped by `close()`: focus goes back to the button after the panel is gone. */
  const [closed, setClosed] = useState(0);
  const open = controlled ?? uncontrolled;
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const onOpenChangeRef = useRef(onOpenChange);
  useEffect(() => {
    onOpenChangeRef.current = onOpenChange;
  });

  function setOpen(next: boolean) {
    if (controlled === undefined) setUncontrolled(next);
    onOpenChange?.(next);
  }

  useEffect(() => {
    if (!open) return;
    const panel = panelRef.current;
    const first = panel?.querySelector<HTMLElement>(
      'input, select, textarea, button, [href], [tabindex]:not([tabindex="-1"])',
    );
    (first ?? panel)?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) {
        if (controlled === undefined) setUncontrolled(false);
        onOpenChangeRef.current?.(false);
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, controlled]);

  useEffect(() => {
    if (closed > 0) buttonRef.current?.focus();
  }, [closed]);

  const close = () => {
    setOpen(false);
    setClosed((n) => n + 1);
  };

  return (
    <div className="ui-popover" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={triggerClassName}
        aria-label={triggerLabel}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen(!open)}
      >
        {trigger}
      </button>
      {open ? (
        <div
          ref={panelRef}
          id={panelId}
          role="dialog"
          aria-label={label}
          tabIndex={-1}
          className={`ui-popover__panel ui-popover__panel--${align}${className ? ` ${className}` : ''}`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              close();
            }
          }}
        >
          {typeof children === 'function' ? children(close) : children}
        </div>
      ) : null}
    </div>
  );
}
