/**
 * The server's lead REST endpoints the engine needs (online only): the conflict log of one lead,
 * `GET /api/v1/leads/:id/conflicts`. Errors map like `server-api.ts` does.
 */
import { z } from 'zod';
import { ErrorBody } from '@sdr/schema';
import { LeadConflict } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import { engineCodeFor } from '../server-api.ts';

const ConflictList = z.object({ items: z.array(LeadConflict) });

export function createLeadsApi(opts: { baseUrl: string; fetch?: typeof globalThis.fetch }) {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  return {
    async conflicts(token: string, leadId: string): Promise<LeadConflict[]> {
      let res: Response;
      try {
        res = await fetchImpl(
          `${opts.baseUrl}/api/v1/leads/${encodeURIComponent(leadId)}/conflicts`,
          {
            headers: { accept: 'application/json', authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(10_000),
          },
        );
      } catch (cause) {
        throw new EngineFailure('server_unreachable', 'Cannot reach the sync server', { cause });
      }
      const json: unknown = await res.json().catch(() => undefined);
      if (!res.ok) {
        const body = ErrorBody.safeParse(json);
        const serverCode = body.success ? body.data.error.code : '';
        throw new EngineFailure(
          engineCodeFor(serverCode, res.status),
          body.success ? body.data.error.message : `The sync server answered ${res.status}`,
          serverCode ? { serverCode } : {},
        );
      }
      const parsed = ConflictList.safeParse(json);
      if (!parsed.success) {
        throw new EngineFailure('server_error', 'The sync server sent an unexpected response', {
          cause: parsed.error,
        });
      }
      return parsed.data.items;
    },
  };
}

export type LeadsApi = ReturnType<typeof createLeadsApi>;
