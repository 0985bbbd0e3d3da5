/**
 * The account session. The refresh token lives in SQLite (sealed by a `SecretBox`), the access token
 * only in memory. Authenticated calls go through `authed`, which refreshes the access token shortly
 * before it expires and once more on a 401. When the server is unreachable, `state()` answers from
 * the stored `/me` profile with `offline: true`.
 */
import { ulid } from 'ulid';
import { MeResponse, type AuthResponse, type LoginInput, type SignupInput } from '@sdr/schema';
import type { AuthState } from '../shared/contract.ts';
import type { AccountStore } from './account-store.ts';
import { EngineFailure, isAuthFailure, isServerDown } from './errors.ts';
import type { Logger } from './logger.ts';
import type { SecretBox } from './secret-box.ts';
import type { ServerApi } from './server-api.ts';

interface Live {
  accountId: string;
  refreshToken: string;
  accessToken: string | null;
  /** When to refresh the access token (ms since epoch), a little before it expires. */
  refreshAt: number;
  profile: MeResponse;
}

export interface SessionDeps {
  api: ServerApi;
  store: AccountStore;
  box: SecretBox;
  log: Logger;
  now: () => number;
  newId?: () => string;
  /** Called whenever the auth state changes (sign-in, sign-out, workspace switch, offline flips). */
  onChange: (state: AuthState) => void;
  /** Shows an OS notification where the shell has them. */
  notify: (title: string, body: string) => void;
}

export class Session {
  private live: Live | null = null;
  private refreshing: Promise<void> | null = null;
  private lastOffline: boolean | null = null;
  private signingOut = false;

  constructor(private readonly deps: SessionDeps) {}

  /** Restores the session persisted by a previous engine run, without touching the network. */
  async restore(): Promise<void> {
    const row = this.deps.store.load();
    if (!row) return;
    const profile = MeResponse.safeParse(row.profile);
    let refreshToken: string;
    try {
      refreshToken = await this.deps.box.open(row.refreshToken);
    } catch (err) {
      this.deps.log.warn('stored refresh token cannot be opened; signing out', { err });
      this.deps.store.remove();
      return;
    }
    if (!profile.success) {
      this.deps.log.warn('stored profile is unreadable; signing out');
      this.deps.store.remove();
      return;
    }
    this.live = {
      accountId: row.id,
      refreshToken,
      accessToken: null,
      refreshAt: 0,
      profile: profile.data,
    };
  }

  get signedIn(): boolean {
    return this.live !== null;
  }

  async state(): Promise<AuthState> {
    if (!this.live) return { status: 'signed-out' };
    let offline: boolean;
    try {
      const me = await this.authed((token) => this.deps.api.me(token));
      await this.setProfile(me);
      offline = false;
    } catch (err) {
      if (!this.live) return { status: 'signed-out' };
      if (!isServerDown(err)) throw err;
      offline = true;
    }
    const state = this.signedInState(offline);
    if (this.lastOffline !== null && this.lastOffline !== offline) this.emit(state);
    this.lastOffline = offline;
    return state;
  }

  async signup(input: Omit<SignupInput, 'deviceName'>): Promise<AuthState> {
    await this.dropSession();
    return this.establish(await this.deps.api.signup(input));
  }

  async login(input: Omit<LoginInput, 'deviceName'>): Promise<AuthState> {
    await this.dropSession();
    return this.establish(await this.deps.api.login(input));
  }

  /**
   * The switch spends the refresh token like a refresh does, so it holds the same single slot: a
   * refresh started meanwhile (another caller's 401) waits and then uses the new token, instead of
   * presenting the one being spent (the server would take that for reuse and end the session).
   */
  async switchWorkspace(workspaceId: string): Promise<AuthState> {
    while (this.refreshing) await this.refreshing.catch(() => undefined);
    let release!: () => void;
    this.refreshing = new Promise<void>((resolve) => (release = resolve)).finally(() => {
      this.refreshing = null;
    });
    try {
      const live = this.requireLive();
      if (!live.accessToken || this.deps.now() >= live.refreshAt) await this.doRefresh();
      const send = () =>
        this.deps.api.switchWorkspace(this.requireLive().accessToken!, {
          workspaceId,
          refreshToken: this.requireLive().refreshToken,
        });
      let auth: AuthResponse;
      try {
        auth = await send();
      } catch (err) {
        if (!isAuthFailure(err)) throw err;
        await this.doRefresh();
        auth = await send();
      }
      return await this.establish(auth);
    } finally {
      release();
    }
  }

  async logout(): Promise<AuthState> {
    await this.dropSession();
    const state: AuthState = { status: 'signed-out' };
    this.emit(state);
    return state;
  }

  /**
   * Runs `fn` with a fresh access token. Refreshes first when the token is (nearly) expired, and once
   * more if the server still answers 401. If the refresh token itself is refused, signs out locally.
   */
  async authed<T>(fn: (accessToken: string) => Promise<T>): Promise<T> {
    const live = this.requireLive();
    if (!live.accessToken || this.deps.now() >= live.refreshAt) await this.refresh();
    try {
      return await fn(this.requireLive().accessToken!);
    } catch (err) {
      if (!isAuthFailure(err)) throw err;
      this.deps.log.debug('access token refused; refreshing once');
      await this.refresh();
      return fn(this.requireLive().accessToken!);
    }
  }

  private async refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const live = this.requireLive();
    let auth: AuthResponse;
    try {
      auth = await this.deps.api.refresh(live.refreshToken);
    } catch (err) {
      if (isAuthFailure(err)) {
        this.deps.log.info('refresh token refused; signing out locally');
        this.forget();
        if (!this.signingOut) {
          this.deps.notify('Signed out', 'Your session ended. Sign in again to continue.');
          this.emit({ status: 'signed-out' });
        }
      }
      throw err;
    }
    this.setTokens(live, auth);
    // Persist the rotated refresh token at once: the old one is spent on the server.
    await this.persist(live);
  }

  private async establish(auth: AuthResponse): Promise<AuthState> {
    const fallback: MeResponse = {
      user: auth.user,
      workspace: auth.workspace,
      role: auth.role,
      sessionId: auth.sessionId,
      workspaces: [{ ...auth.workspace, role: auth.role }],
    };
    const live: Live = {
      accountId: this.live?.accountId ?? (this.deps.newId ?? ulid)(),
      refreshToken: auth.refreshToken,
      accessToken: null,
      refreshAt: 0,
      profile: fallback,
    };
    this.setTokens(live, auth);
    this.live = live;
    await this.persist(live);
    try {
      await this.setProfile(await this.deps.api.me(auth.accessToken));
    } catch (err) {
      this.deps.log.warn('could not load the profile after sign-in; using the sign-in answer', {
        err,
      });
    }
    const state = this.signedInState(false);
    this.emit(state);
    return state;
  }

  /** Logs out on the server (best effort) and forgets the local session. */
  private async dropSession(): Promise<void> {
    if (!this.live) return;
    this.signingOut = true;
    try {
      await this.authed((token) => this.deps.api.logout(token));
    } catch (err) {
      this.deps.log.info('server logout failed; forgetting the session locally', { err });
    } finally {
      this.signingOut = false;
    }
    this.forget();
  }

  private forget(): void {
    this.live = null;
    this.lastOffline = null;
    this.deps.store.remove();
  }

  private setTokens(live: Live, auth: AuthResponse): void {
    const ttlMs = auth.expiresIn * 1000;
    live.accessToken = auth.accessToken;
    live.refreshToken = auth.refreshToken;
    live.refreshAt = this.deps.now() + ttlMs - Math.min(60_000, ttlMs / 5);
  }

  private async setProfile(me: MeResponse): Promise<void> {
    const live = this.requireLive();
    live.profile = me;
    await this.persist(live);
  }

  private async persist(live: Live): Promise<void> {
    const token = live.refreshToken;
    const sealed = await this.deps.box.seal(token);
    // Signed out, signed in again or rotated while sealing: a newer persist wins.
    if (this.live !== live || live.refreshToken !== token) return;
    this.deps.store.save({
      id: live.accountId,
      userId: live.profile.user.id,
      workspaceId: live.profile.workspace.id,
      refreshToken: sealed,
      profile: live.profile,
    });
  }

  private signedInState(offline: boolean): AuthState {
    return { status: 'signed-in', me: this.requireLive().profile, offline };
  }

  private emit(state: AuthState): void {
    if (state.status === 'signed-in') this.lastOffline = state.offline;
    this.deps.onChange(state);
  }

  private requireLive(): Live {
    if (!this.live) throw new EngineFailure('unauthenticated', 'Sign in first');
    return this.live;
  }
}
