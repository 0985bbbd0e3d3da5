import { useState } from 'react';
import { Alert, Button, Form, FormError, FormRow, SelectField, TextField, useToast } from '@sdr/ui';
import type { OutputOf } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { formatDate } from '../format.ts';
import { useEngineForm } from '../hooks/useEngineForm.ts';
import { isRole, ROLE_LABELS, ROLE_OPTIONS } from '../roles.ts';

type Invitation = OutputOf<'members:invite'>;
const FIELDS = ['email', 'role'] as const;

/** Invite someone by email. The server mails them a link; they appear as a member once they accept. */
export function InviteForm() {
  const form = useEngineForm(FIELDS);
  const [sent, setSent] = useState<Invitation[]>([]);
  const [formKey, setFormKey] = useState(0);
  const toast = useToast();

  async function onSubmit(values: Record<string, string>) {
    const role = values.role ?? 'sdr';
    const invitation = await form.submit(() =>
      engine.invoke('members:invite', {
        email: values.email ?? '',
        role: isRole(role) ? role : 'sdr',
      }),
    );
    if (!invitation) return;
    setSent((list) => [invitation, ...list]);
    setFormKey((key) => key + 1);
    toast(`Invitation sent to ${invitation.email}`, 'success');
  }

  return (
    <div className="invite">
      <Form key={formKey} onSubmit={(values) => void onSubmit(values)} aria-label="Invite a member">
        <FormError message={form.formError} />
        <FormRow>
          <TextField
            label="Email"
            name="email"
            type="email"
            placeholder="teammate@company.com"
            error={form.fieldErrors.email}
          />
          <SelectField
            label="Role"
            name="role"
            options={ROLE_OPTIONS}
            defaultValue="sdr"
            error={form.fieldErrors.role}
          />
          <Button type="submit" variant="primary" loading={form.pending}>
            Send invitation
          </Button>
        </FormRow>
      </Form>
      {sent.length > 0 ? (
        <Alert tone="success">
          <ul className="invite__sent" aria-label="Invitations sent">
            {sent.map((invitation) => (
              <li key={invitation.id}>
                Invitation sent to <strong>{invitation.email}</strong> as{' '}
                {ROLE_LABELS[invitation.role]}. The link expires {formatDate(invitation.expiresAt)}.
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </div>
  );
}
