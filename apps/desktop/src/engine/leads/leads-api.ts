/**
 * The server's lead REST endpoints the engine needs (online only): a lead's conflict log
 * (`GET /api/v1/leads/:id/conflicts`) and timeline (`/timeline`). Errors map like `server-api.ts`.
 */
import { z } from 'zod';
import { ErrorBody } from '@sdr/schema';
import { LeadConflict, TimelinePage } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import { engineCodeFor } from '../server-api.ts';

const ConflictList = z.object({ items: z.array(LeadConflict) });

export function createLeadsApi(opts: { baseUrl: string; fetch?: typeof globalThis.fetch }) {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  async function getJson<T>(token: string, path: string, schema: z.ZodType<T>): Promise<T> {
    let res: Response;
    try {
      res = await fetchImpl(`${opts.baseUrl}${path}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
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
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new EngineFailure('server_error', 'The sync server sent an unexpected response', {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
  const lead = (id: string) => `/api/v1/leads/${encodeURIComponent(id)}`;

  return {
    async conflicts(token: string, leadId: string): Promise<LeadConflict[]> {
      return (await getJson(token, `${lead(leadId)}/conflicts`, ConflictList)).items;
    },
    timeline(token: string, leadId: string, before?: number): Promise<TimelinePage> {
      const query = before ? `?limit=50&before=${before}` : '?limit=50';
      return getJson(token, `${lead(leadId)}/timeline${query}`, TimelinePage);
    },
  };
}

export type LeadsApi = ReturnType<typeof createLeadsApi>;
