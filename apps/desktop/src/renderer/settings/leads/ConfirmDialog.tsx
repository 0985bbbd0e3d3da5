import type { ReactNode } from 'react';
import { Button, Dialog, FormActions } from '@sdr/ui';

/** "Are you sure?" before removing something others may depend on. */
export function ConfirmDialog({
  open,
  title,
  confirm,
  onConfirm,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog open={open} title={title} onClose={onCancel}>
      <p className="lead-settings__confirm">{children}</p>
      <FormActions>
        <Button onClick={onCancel}>Keep it</Button>
        <Button variant="danger" onClick={onConfirm}>
          {confirm}
        </Button>
      </FormActions>
    </Dialog>
  );
}
