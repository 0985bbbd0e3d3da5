import { useEffect, useState } from 'react';
import { engine } from './engine.ts';
import { useAuth } from './stores/auth.ts';
import { useConnection } from './stores/connection.ts';
import { useTheme } from './stores/theme.ts';
import { SignInScreen } from './screens/SignInScreen.tsx';
import { SignUpScreen } from './screens/SignUpScreen.tsx';
import { StartupScreen } from './screens/StartupScreen.tsx';
import { WorkspaceScreen } from './screens/WorkspaceScreen.tsx';

const STATUS_REFRESH_MS = 30_000;

/**
 * Picks the screen from the engine's auth state. Subscribes to `auth:changed`, and asks again for
 * the state (and the theme) whenever the connection to the engine is (re)established.
 */
export function App() {
  const state = useAuth((store) => store.state);
  const [view, setView] = useState<'sign-in' | 'sign-up'>('sign-in');

  useEffect(() => {
    const { set, refresh } = useAuth.getState();
    const loadTheme = useTheme.getState().load;
    const offChanged = engine.on('auth:changed', set);
    const offConnection = engine.onConnection((connection) => {
      useConnection.getState().set(connection);
      if (connection === 'open') void Promise.all([refresh(), loadTheme()]);
    });
    useConnection.getState().set(engine.connection());
    void Promise.all([refresh(), loadTheme()]);
    // Ask again now and then, and when the user comes back, so the online/offline flag stays true.
    const refreshIfSignedIn = () => {
      if (useAuth.getState().state?.status === 'signed-in') void refresh();
    };
    const timer = window.setInterval(refreshIfSignedIn, STATUS_REFRESH_MS);
    window.addEventListener('focus', refreshIfSignedIn);
    window.addEventListener('online', refreshIfSignedIn);
    return () => {
      offChanged();
      offConnection();
      window.clearInterval(timer);
      window.removeEventListener('focus', refreshIfSignedIn);
      window.removeEventListener('online', refreshIfSignedIn);
    };
  }, []);

  // After signing out, the signed-out screen is always Sign in, wherever the user came from.
  const signedIn = state?.status === 'signed-in';
  const [wasSignedIn, setWasSignedIn] = useState(signedIn);
  if (signedIn !== wasSignedIn) {
    setWasSignedIn(signedIn);
    if (signedIn) setView('sign-in');
  }

  if (state === null) return <StartupScreen />;
  if (state.status === 'signed-in') return <WorkspaceScreen />;
  return view === 'sign-in' ? (
    <SignInScreen onCreateAccount={() => setView('sign-up')} />
  ) : (
    <SignUpScreen onSignIn={() => setView('sign-in')} />
  );
}
