/** Handlers of the bulk-action channels (`leads:bulk`, `leads:cancelBulk`, `leads:undoBulk`, `leads:bulkJobs`). */
import type { Handlers } from '../../handlers.ts';
import { EngineFailure } from '../../errors.ts';
import type { Session } from '../../session.ts';
import type { Actor, BulkJobs } from './bulk-jobs.ts';

type BulkChannels = 'leads:bulk' | 'leads:cancelBulk' | 'leads:undoBulk' | 'leads:bulkJobs';

/** The signed-in user and role, from the session's (possibly offline) profile. */
export async function sessionActor(session: Session): Promise<Actor> {
  const state = await session.state();
  if (state.status !== 'signed-in') throw new EngineFailure('unauthenticated', 'Sign in first');
  return { userId: state.me.user.id, role: state.me.role };
}

export function createBulkHandlers({ bulk }: { bulk: BulkJobs }): Pick<Handlers, BulkChannels> {
  return {
    'leads:bulk': ({ target, action }) => bulk.start(target, action),
    'leads:cancelBulk': async ({ jobId }) => {
      bulk.cancel(jobId);
      return { ok: true as const };
    },
    'leads:undoBulk': ({ jobId }) => bulk.undo(jobId),
    'leads:bulkJobs': async () => bulk.list(),
  };
}
