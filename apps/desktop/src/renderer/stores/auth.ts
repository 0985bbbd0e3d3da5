/**
 * Who is signed in, as the engine says. Every action goes through the engine and stores the
 * `AuthState` it answers with; `auth:changed` events keep it current when the engine changes it on
 * its own (token refresh, going offline, a revoked session).
 */
import { create } from 'zustand';
import type { AuthState, InputOf, Result } from '../../shared/contract.ts';
import { engine } from '../engine.ts';

export type SignedIn = Extract<AuthState, { status: 'signed-in' }>;

type AuthStore = {
  /** `null` until the engine has answered once. */
  state: AuthState | null;
  loadError: string | null;
  set: (state: AuthState) => void;
  refresh: () => Promise<void>;
  signUp: (input: InputOf<'auth:signup'>) => Promise<Result<AuthState>>;
  signIn: (input: InputOf<'auth:login'>) => Promise<Result<AuthState>>;
  signOut: () => Promise<Result<AuthState>>;
  switchWorkspace: (workspaceId: string) => Promise<Result<AuthState>>;
};

export const useAuth = create<AuthStore>((set) => {
  async function apply(pending: Promise<Result<AuthState>>): Promise<Result<AuthState>> {
    const result = await pending;
    if (result.ok) set({ state: result.data, loadError: null });
    return result;
  }
  return {
    state: null,
    loadError: null,
    set: (state) => set({ state, loadError: null }),
    async refresh() {
      const result = await engine.invoke('auth:state', {});
      if (result.ok) set({ state: result.data, loadError: null });
      else set({ loadError: result.error.message });
    },
    signUp: (input) => apply(engine.invoke('auth:signup', input)),
    signIn: (input) => apply(engine.invoke('auth:login', input)),
    signOut: () => apply(engine.invoke('auth:logout', {})),
    switchWorkspace: (workspaceId) => apply(engine.invoke('auth:switchWorkspace', { workspaceId })),
  };
});

/** The signed-in state; only for components rendered inside the signed-in app. */
export function useSignedIn(): SignedIn {
  const state = useAuth((store) => store.state);
  if (state?.status !== 'signed-in') throw new Error('useSignedIn outside the signed-in app');
  return state;
}
