import type { $Type, HasDefault, IsPrimaryKey, NotNull } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
  type PgBigInt53BuilderInitial,
  type PgBooleanBuilderInitial,
  type PgColumnBuilderBase,
  type PgDoublePrecisionBuilderInitial,
  type PgIntegerBuilderInitial,
  type PgJsonbBuilderInitial,
  type PgTableWithColumns,
  type PgTextBuilderInitial,
  type PgTimestampBuilderInitial,
} from 'drizzle-orm/pg-core';
import type { BuildColumns } from 'drizzle-orm';
import { sqlName, type AnyCol, type Col, type ColumnKind, type EntityDef } from './define.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // postgres.js and PGlite both hand back a Buffer/Uint8Array; normalise to a plain Uint8Array view.
  fromDriver: (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
});
type PgBytesBuilder = ReturnType<typeof bytea>;

type PgBaseFor<K extends ColumnKind> = K extends 'id' | 'text'
  ? PgTextBuilderInitial<'', [string, ...string[]]>
  : K extends 'integer'
    ? PgIntegerBuilderInitial<''>
    : K extends 'bigint'
      ? PgBigInt53BuilderInitial<''>
      : K extends 'real'
        ? PgDoublePrecisionBuilderInitial<''>
        : K extends 'boolean'
          ? PgBooleanBuilderInitial<''>
          : K extends 'timestamp'
            ? PgTimestampBuilderInitial<''>
            : K extends 'json'
              ? PgJsonbBuilderInitial<''>
              : PgBytesBuilder;

type WithFlags<B extends PgColumnBuilderBase, K, NN, HD> = K extends 'id'
  ? IsPrimaryKey<NotNull<B>>
  : NN extends true
    ? HD extends true
      ? HasDefault<NotNull<B>>
      : NotNull<B>
    : HD extends true
      ? HasDefault<B>
      : B;

export type PgColumnFor<C> =
  C extends Col<infer K, infer T, infer NN, infer HD>
    ? $Type<WithFlags<PgBaseFor<K>, K, NN, HD>, T>
    : never;

export type PgTableFor<E extends EntityDef> = PgTableWithColumns<{
  name: E['name'];
  schema: undefined;
  columns: BuildColumns<
    E['name'],
    { [K in keyof E['columns']]: PgColumnFor<E['columns'][K]> },
    'pg'
  >;
  dialect: 'pg';
}>;

type Resolver = (entity: string, column: string) => AnyPgColumn;
type Loose = PgTextBuilderInitial<'', [string, ...string[]]>;
/** The column builders differ per kind; past the switch only their shared methods are used. */
const loose = (builder: unknown): Loose => builder as Loose;

function pgColumn(key: string, c: AnyCol, resolve: Resolver): PgColumnBuilderBase {
  const name = sqlName(key);
  const o = c.opts;
  let b: Loose;
  switch (c.kind) {
    case 'id':
      b = loose(text(name).primaryKey());
      break;
    case 'text':
      b = loose(
        o.enumValues ? text(name, { enum: o.enumValues as [string, ...string[]] }) : text(name),
      );
      break;
    case 'integer':
      b = loose(integer(name));
      break;
    case 'bigint':
      b = loose(bigint(name, { mode: 'number' }));
      break;
    case 'real':
      b = loose(doublePrecision(name));
      break;
    case 'boolean':
      b = loose(boolean(name));
      break;
    case 'timestamp': {
      const t = timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });
      b = loose(o.defaultNow ? t.defaultNow() : t);
      break;
    }
    case 'json':
      b = loose(jsonb(name));
      break;
    case 'bytes':
      b = loose(bytea(name));
      break;
  }
  if (o.notNull && c.kind !== 'id') b = loose(b.notNull());
  if (o.unique) b = loose(b.unique());
  if (o.defaultValue !== undefined) b = loose(b.default(o.defaultValue as string));
  const ref = o.references;
  if (ref) b = b.references(() => resolve(ref.entity, ref.column), { onDelete: ref.onDelete });
  return b;
}

/** Builds the Postgres tables for a set of entities (server and shared placements). */
export function buildPgTables<const E extends readonly EntityDef[]>(
  entities: E,
): { [X in E[number] as X['name']]: PgTableFor<X> } {
  const tables: Record<string, PgTableWithColumns<never>> = {};
  const resolve: Resolver = (entity, column) => {
    const t = tables[entity] as unknown as Record<string, AnyPgColumn> | undefined;
    const c = t?.[column];
    if (!c) throw new Error(`schema: unknown reference ${entity}.${column}`);
    return c;
  };
  for (const e of entities) {
    if (e.placement === 'client') continue;
    const cols: Record<string, PgColumnBuilderBase> = {};
    for (const [key, c] of Object.entries(e.columns)) cols[key] = pgColumn(key, c, resolve);
    tables[e.name] = pgTable(sqlName(e.name), cols, (t) =>
      e.indexes.map((ix) => {
        const on = ix.columns.map((k) => (t as Record<string, AnyPgColumn>)[k]!);
        const [first, ...rest] = on;
        return (ix.unique ? uniqueIndex(ix.name) : index(ix.name)).on(first!, ...rest);
      }),
    ) as unknown as PgTableWithColumns<never>;
  }
  return tables as never;
}
