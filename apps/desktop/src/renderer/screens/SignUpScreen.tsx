import { Button, Form, FormError, TextField } from '@sdr/ui';
import { useEngineForm } from '../hooks/useEngineForm.ts';
import { useAuth } from '../stores/auth.ts';
import { useNav } from '../stores/nav.ts';
import { AuthLayout } from './AuthLayout.tsx';

const FIELDS = ['name', 'email', 'password', 'workspaceName'] as const;

export function SignUpScreen({ onSignIn }: { onSignIn: () => void }) {
  const signUp = useAuth((store) => store.signUp);
  const go = useNav((store) => store.go);
  const form = useEngineForm(FIELDS);

  async function onSubmit(values: Record<string, string>) {
    const state = await form.submit(() =>
      signUp({
        name: values.name ?? '',
        email: values.email ?? '',
        password: values.password ?? '',
        workspaceName: values.workspaceName ?? '',
      }),
    );
    if (state) go('leads');
  }

  return (
    <AuthLayout
      title="Create your account"
      subtitle="You will be the admin of a new workspace and can invite your team next."
      footer={
        <>
          Already have an account?{' '}
          <button type="button" className="link-button" onClick={onSignIn}>
            Sign in
          </button>
        </>
      }
    >
      <Form onSubmit={(values) => void onSubmit(values)} aria-label="Create your account">
        <FormError message={form.formError} />
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          autoFocus
          error={form.fieldErrors.name}
        />
        <TextField
          label="Work email"
          name="email"
          type="email"
          autoComplete="email"
          error={form.fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          error={form.fieldErrors.password}
        />
        <TextField
          label="Workspace name"
          name="workspaceName"
          autoComplete="organization"
          hint="Usually your company or team."
          error={form.fieldErrors.workspaceName}
        />
        <Button type="submit" variant="primary" block loading={form.pending}>
          Create account
        </Button>
      </Form>
    </AuthLayout>
  );
}
