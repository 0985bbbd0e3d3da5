import { Avatar, Badge, Button, Card, Icon, useToast } from '@sdr/ui';
import { errorMessage } from '../errors.ts';
import { ROLE_LABELS } from '../roles.ts';
import { useAuth, useSignedIn } from '../stores/auth.ts';

export function AccountSection() {
  const { me } = useSignedIn();
  const signOut = useAuth((store) => store.signOut);
  const toast = useToast();

  async function onSignOut() {
    const result = await signOut();
    if (!result.ok) toast(errorMessage(result.error), 'error');
  }

  return (
    <Card
      title="Account"
      description="Who you are signed in as on this device."
      actions={
        <Button icon={<Icon name="sign-out" />} onClick={() => void onSignOut()}>
          Sign out
        </Button>
      }
    >
      <div className="account">
        <Avatar name={me.user.name} size="lg" />
        <dl className="facts account__facts">
          <div>
            <dt>Name</dt>
            <dd>{me.user.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{me.user.email}</dd>
          </div>
          <div>
            <dt>Workspace</dt>
            <dd>
              {me.workspace.name} <Badge tone="accent">{ROLE_LABELS[me.role]}</Badge>
            </dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}
