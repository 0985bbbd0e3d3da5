/**
 * Who sees which leads (design §9): the workspace's `leadVisibility` policy and its members'
 * teams and roles, cached per workspace for a few seconds (refreshed at once when this instance
 * changes them, and by every instance at a `visibility` marker in the change log:
 * visibility-restamp.ts). Open sockets judge with the roles as loaded here, so a role change
 * applies to them without a reconnect.
 * The rule itself is `canSeeLead` in `@sdr/domain`.
 */
import { eq } from 'drizzle-orm';
import { canSeeLead, type LeadVisibilityPolicy, type Viewer } from '@sdr/domain';
import type { RoleName } from '@sdr/schema';
import { membership, workspace } from '@sdr/schema/pg';
import type { Db } from '../db/schema.ts';

interface WorkspaceVisibility {
  policy: LeadVisibilityPolicy;
  teamOf: Map<string, string | null>;
  roleOf: Map<string, RoleName>;
  loadedAt: number;
  /** Viewers built from this entry (`viewerNow`), by `userId:role`. */
  viewers: Map<string, Viewer>;
}

export interface VisibilityOptions {
  /** How long a workspace's policy and teams are trusted (ms). */
  ttlMs?: number;
  now?: () => number;
}

export class VisibilityService {
  private readonly cache = new Map<string, WorkspaceVisibility>();
  /** Loads under way, so concurrent callers share one instead of each querying (single flight). */
  private readonly loading = new Map<string, Promise<WorkspaceVisibility>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: VisibilityOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  private load(workspaceId: string): Promise<WorkspaceVisibility> {
    const running = this.loading.get(workspaceId);
    if (running) return running;
    const started: Promise<WorkspaceVisibility> = this.query(workspaceId).then(
      (entry) => {
        // A load overtaken by `invalidate` must not put its older answer in the cache.
        if (this.loading.get(workspaceId) === started) {
          this.loading.delete(workspaceId);
          this.cache.set(workspaceId, entry);
          if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
        }
        return entry;
      },
      (err: unknown) => {
        if (this.loading.get(workspaceId) === started) this.loading.delete(workspaceId);
        throw err;
      },
    );
    this.loading.set(workspaceId, started);
    return started;
  }

  private async query(workspaceId: string): Promise<WorkspaceVisibility> {
    const [ws] = await this.db
      .select({ policy: workspace.leadVisibility })
      .from(workspace)
      .where(eq(workspace.id, workspaceId));
    const members = await this.db
      .select({ userId: membership.userId, team: membership.team, role: membership.role })
      .from(membership)
      .where(eq(membership.workspaceId, workspaceId));
    return {
      policy: ws?.policy ?? 'all',
      teamOf: new Map(members.map((m) => [m.userId, m.team])),
      roleOf: new Map(members.map((m) => [m.userId, m.role])),
      loadedAt: this.now(),
      viewers: new Map(),
    };
  }

  private async entry(workspaceId: string): Promise<WorkspaceVisibility> {
    const hit = this.cache.get(workspaceId);
    if (hit && this.now() - hit.loadedAt < this.ttlMs) return hit;
    return this.load(workspaceId);
  }

  async policy(workspaceId: string): Promise<LeadVisibilityPolicy> {
    return (await this.entry(workspaceId)).policy;
  }

  /**
   * The policy as last loaded, for the synchronous push path; `refresh` keeps it fresh. Falls back
   * to the strictest policy when the workspace was never loaded.
   */
  policyNow(workspaceId: string): LeadVisibilityPolicy {
    const hit = this.cache.get(workspaceId);
    if (hit && this.now() - hit.loadedAt >= this.ttlMs) void this.load(workspaceId).catch(() => {});
    return hit?.policy ?? 'own';
  }

  async viewer(workspaceId: string, userId: string, role: RoleName): Promise<Viewer> {
    return viewerOf(await this.entry(workspaceId), userId, role);
  }

  /**
   * The viewer with the teams and role as last loaded, for the synchronous push path (the same
   * object until the workspace is reloaded); `fallback` when the workspace was never loaded.
   */
  viewerNow(workspaceId: string, fallback: Viewer): Viewer {
    const hit = this.cache.get(workspaceId);
    return hit ? viewerOf(hit, fallback.userId, fallback.role) : fallback;
  }

  /** Reads the workspace's policy and teams again (another instance changed them). */
  async reload(workspaceId: string): Promise<void> {
    this.invalidate(workspaceId);
    const entry = await this.load(workspaceId);
    // A second reload meanwhile (two reads of the log reaching one marker) drops this load's
    // answer from the cache and starts its own: wait for that one, or keep this one — never return
    // with nothing cached, or the push path would judge with its fallbacks (stale teams, `own`).
    const newer = this.loading.get(workspaceId);
    if (newer) await newer;
    else if (!this.cache.has(workspaceId)) this.cache.set(workspaceId, entry);
  }

  async canSee(viewer: Viewer, workspaceId: string, ownerId: string | null): Promise<boolean> {
    return canSeeLead(viewer, { ownerId }, await this.policy(workspaceId));
  }

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
    this.loading.delete(workspaceId);
  }
}

/** `role`: the caller's role as authenticated, used when the member is not in the entry. */
function viewerOf(e: WorkspaceVisibility, userId: string, authRole: RoleName): Viewer {
  const role = e.roleOf.get(userId) ?? authRole;
  const key = `${userId}:${role}`;
  const have = e.viewers.get(key);
  if (have) return have;
  const team = e.teamOf.get(userId) ?? null;
  const teamUserIds = new Set<string>();
  if (team !== null) for (const [u, t] of e.teamOf) if (t === team) teamUserIds.add(u);
  const viewer = { userId, role, teamUserIds };
  e.viewers.set(key, viewer);
  return viewer;
}
