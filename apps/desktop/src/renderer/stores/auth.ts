/**
 * Who is signed in, as the engine says. Every action goes through the engine and stores the
 * `AuthState` it answers with; `auth:changed` events keep it current when the engine changes it on
 * its own (token refresh, going offline, a session revoked from another device).
 */
import { create } from 'zustand';
import type { AuthState, InputOf, Result } from '../../shared/contract.ts';
import { engine } from '../engine.ts';

export type SignedIn = Extract<AuthState, { status: 'signed-in' }>;

export const SESSION_ENDED_NOTICE =
  'You were signed out on this device, for example because the session was ended from another device. Sign in again to continue.';

type AuthStore = {
  /** `null` until the engine has answered once. */
  state: AuthState | null;
  loadError: string | null;
  /** Why the user is looking at the sign-in screen when they did not sign out themselves. */
  notice: string | null;
  /** Takes a state the engine reported on its own (event or refresh). */
  set: (state: AuthState) => void;
  refresh: () => Promise<void>;
  signUp: (input: InputOf<'auth:signup'>) => Promise<Result<AuthState>>;
  signIn: (input: InputOf<'auth:login'>) => Promise<Result<AuthState>>;
  signOut: () => Promise<Result<AuthState>>;
  switchWorkspace: (workspaceId: string) => Promise<Result<AuthState>>;
};

export const useAuth = create<AuthStore>((set, get) => {
  let signingOut = false;

  /** A state the user did not ask for: note it when it signs them out. */
  function observe(next: AuthState) {
    const wasSignedIn = get().state?.status === 'signed-in';
    const endedBehindTheirBack = wasSignedIn && next.status === 'signed-out' && !signingOut;
    set({
      state: next,
      loadError: null,
      notice: endedBehindTheirBack
        ? SESSION_ENDED_NOTICE
        : next.status === 'signed-in'
          ? null
          : get().notice,
    });
  }

  async function apply(pending: Promise<Result<AuthState>>): Promise<Result<AuthState>> {
    const result = await pending;
    if (result.ok) set({ state: result.data, loadError: null, notice: null });
    return result;
  }

  return {
    state: null,
    loadError: null,
    notice: null,
    set: observe,
    async refresh() {
      const result = await engine.invoke('auth:state', {});
      if (result.ok) observe(result.data);
      else set({ loadError: result.error.message });
    },
    signUp: (input) => apply(engine.invoke('auth:signup', input)),
    signIn: (input) => apply(engine.invoke('auth:login', input)),
    async signOut() {
      signingOut = true;
      try {
        return await apply(engine.invoke('auth:logout', {}));
      } finally {
        signingOut = false;
      }
    },
    switchWorkspace: (workspaceId) => apply(engine.invoke('auth:switchWorkspace', { workspaceId })),
  };
});

/** The signed-in state; only for components rendered inside the signed-in app. */
export function useSignedIn(): SignedIn {
  const state = useAuth((store) => store.state);
  if (state?.status !== 'signed-in') throw new Error('useSignedIn outside the signed-in app');
  return state;
}
