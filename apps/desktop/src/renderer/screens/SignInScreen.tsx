import { Alert, Button, Form, FormError, TextField } from '@sdr/ui';
import { useEngineForm } from '../hooks/useEngineForm.ts';
import { useAuth } from '../stores/auth.ts';
import { useNav } from '../stores/nav.ts';
import { AuthLayout } from './AuthLayout.tsx';

const FIELDS = ['email', 'password'] as const;

export function SignInScreen({ onCreateAccount }: { onCreateAccount: () => void }) {
  const signIn = useAuth((store) => store.signIn);
  const notice = useAuth((store) => store.notice);
  const go = useNav((store) => store.go);
  const form = useEngineForm(FIELDS);

  async function onSubmit(values: Record<string, string>) {
    const state = await form.submit(() =>
      signIn({ email: values.email ?? '', password: values.password ?? '' }),
    );
    if (state) go('leads');
  }

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in to your workspace."
      footer={
        <>
          New here?{' '}
          <button type="button" className="link-button" onClick={onCreateAccount}>
            Create an account
          </button>
        </>
      }
    >
      <Form onSubmit={(values) => void onSubmit(values)} aria-label="Sign in">
        {notice && !form.formError ? <Alert tone="info">{notice}</Alert> : null}
        <FormError message={form.formError} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          autoFocus
          error={form.fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          error={form.fieldErrors.password}
        />
        <Button type="submit" variant="primary" block loading={form.pending}>
          Sign in
        </Button>
      </Form>
    </AuthLayout>
  );
}
