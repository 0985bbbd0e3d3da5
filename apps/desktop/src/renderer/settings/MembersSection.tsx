import { useState } from 'react';
import { can } from '@sdr/domain';
import { Alert, Avatar, Badge, Card, SelectField, Spinner, useToast } from '@sdr/ui';
import type { OutputOf } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { formatDate } from '../format.ts';
import { useEngineQuery } from '../hooks/useEngineQuery.ts';
import { isRole, ROLE_LABELS, ROLE_OPTIONS } from '../roles.ts';
import type { Role } from '../roles.ts';
import { useSignedIn } from '../stores/auth.ts';
import { InviteForm } from './InviteForm.tsx';

type Member = OutputOf<'members:list'>[number];

/** The workspace's members. Admins also see the invite form and can change other members' roles. */
export function MembersSection() {
  const { me } = useSignedIn();
  const members = useEngineQuery(() => engine.invoke('members:list', {}), me.workspace.id);
  const [saving, setSaving] = useState<string | null>(null);
  const toast = useToast();
  const canInvite = can(me.role, 'members:invite');
  const canChangeRole = can(me.role, 'members:changeRole');

  async function changeRole(member: Member, role: Role) {
    setSaving(member.userId);
    const result = await engine.invoke('members:changeRole', { userId: member.userId, role });
    setSaving(null);
    if (!result.ok) {
      toast(`Could not change ${member.name}'s role: ${errorMessage(result.error)}`, 'error');
      return;
    }
    const updated = result.data;
    members.update((list) =>
      list.map((entry) => (entry.userId === updated.userId ? updated : entry)),
    );
    toast(`${member.name} is now ${ROLE_LABELS[result.data.role]}`, 'success');
  }

  return (
    <Card
      title="Members"
      description={
        canInvite
          ? 'Invite your team and choose what each person can do.'
          : 'The people in this workspace. Only admins can invite or change roles.'
      }
    >
      {canInvite ? <InviteForm /> : null}
      {members.error ? <Alert>{members.error}</Alert> : null}
      {!members.data && !members.error ? <Spinner label="Loading members" /> : null}
      {members.data ? (
        <table className="ui-table members">
          <caption className="ui-visually-hidden">Members of {me.workspace.name}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <tr key={member.userId}>
                <td>
                  <span className="member">
                    <Avatar name={member.name} />
                    <span>
                      <span className="member__name">
                        {member.name} {member.userId === me.user.id ? <Badge>You</Badge> : null}
                      </span>
                      <span className="member__email">{member.email}</span>
                    </span>
                  </span>
                </td>
                <td>
                  {canChangeRole && member.userId !== me.user.id ? (
                    <SelectField
                      label={`Role of ${member.name}`}
                      hideLabel
                      compact
                      options={ROLE_OPTIONS}
                      value={member.role}
                      disabled={saving === member.userId}
                      onChange={(event) => {
                        const role = event.currentTarget.value;
                        if (isRole(role)) void changeRole(member, role);
                      }}
                    />
                  ) : (
                    <Badge tone={member.role === 'admin' ? 'accent' : 'neutral'}>
                      {ROLE_LABELS[member.role]}
                    </Badge>
                  )}
                </td>
                <td className="members__joined">{formatDate(member.joinedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}
