import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { Icon } from './Icon.tsx';

export type DialogProps = {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
};

/**
 * A modal dialog on the native `<dialog>` element: the browser traps focus, makes the rest of the
 * page inert and closes it on Escape; focus returns to where it was.
 */
export function Dialog({ open, title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="ui-dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      {open ? (
        <>
          <div className="ui-dialog__header">
            <h2 id={titleId} className="ui-dialog__title">
              {title}
            </h2>
            <button
              type="button"
              className="ui-button ui-button--ghost ui-button--sm"
              aria-label="Close"
              onClick={onClose}
            >
              <Icon name="x" size={16} />
            </button>
          </div>
          <div className="ui-dialog__body">{children}</div>
        </>
      ) : null}
    </dialog>
  );
}
