import type { Context } from 'hono';
import { clientIp } from '../middleware/rate-limit/index.ts';
import type { ClientInfo } from './session-store.ts';

export function clientInfo(c: Context): ClientInfo {
  return { userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null, ip: clientIp(c) };
}
