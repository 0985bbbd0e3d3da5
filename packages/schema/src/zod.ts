import { z } from 'zod';
import type { AnyCol, EntityDef, RowOf } from './define.ts';

function zodFor(c: AnyCol): z.ZodType {
  let s: z.ZodType;
  switch (c.kind) {
    case 'id':
    case 'text':
      s = c.opts.enumValues ? z.enum(c.opts.enumValues as [string, ...string[]]) : z.string();
      break;
    case 'integer':
    case 'bigint':
      s = z.number().int();
      break;
    case 'real':
      s = z.number();
      break;
    case 'boolean':
      s = z.boolean();
      break;
    case 'timestamp':
      s = z.date();
      break;
    case 'json':
      s = z.unknown();
      break;
    case 'bytes':
      s = z.instanceof(Uint8Array);
      break;
  }
  return c.opts.notNull ? s : s.nullable();
}

/** The zod schema of a row of `entity`, derived from the same definition as the tables. */
export function rowSchema<E extends EntityDef>(entity: E): z.ZodType<RowOf<E>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, c] of Object.entries(entity.columns)) shape[key] = zodFor(c);
  return z.object(shape) as unknown as z.ZodType<RowOf<E>>;
}
