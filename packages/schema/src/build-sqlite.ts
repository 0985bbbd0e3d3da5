import type { $Type, BuildColumns, HasDefault, IsPrimaryKey, NotNull } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import {
  blob,
  index,
  integer,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
  type SQLiteBlobBufferBuilderInitial,
  type SQLiteBooleanBuilderInitial,
  type SQLiteColumnBuilderBase,
  type SQLiteIntegerBuilderInitial,
  type SQLiteRealBuilderInitial,
  type SQLiteTableWithColumns,
  type SQLiteTextBuilderInitial,
  type SQLiteTextJsonBuilderInitial,
  type SQLiteTimestampBuilderInitial,
} from 'drizzle-orm/sqlite-core';
import { sqlName, type AnyCol, type Col, type ColumnKind, type EntityDef } from './define.ts';

type SqliteBaseFor<K extends ColumnKind> = K extends 'id' | 'text'
  ? SQLiteTextBuilderInitial<'', [string, ...string[]], undefined>
  : K extends 'integer' | 'bigint'
    ? SQLiteIntegerBuilderInitial<''>
    : K extends 'real'
      ? SQLiteRealBuilderInitial<''>
      : K extends 'boolean'
        ? SQLiteBooleanBuilderInitial<''>
        : K extends 'timestamp'
          ? SQLiteTimestampBuilderInitial<''>
          : K extends 'json'
            ? SQLiteTextJsonBuilderInitial<''>
            : SQLiteBlobBufferBuilderInitial<''>;

type WithFlags<B extends SQLiteColumnBuilderBase, K, NN, HD> = K extends 'id'
  ? IsPrimaryKey<NotNull<B>>
  : NN extends true
    ? HD extends true
      ? HasDefault<NotNull<B>>
      : NotNull<B>
    : HD extends true
      ? HasDefault<B>
      : B;

export type SqliteColumnFor<C> =
  C extends Col<infer K, infer T, infer NN, infer HD>
    ? $Type<WithFlags<SqliteBaseFor<K>, K, NN, HD>, T>
    : never;

export type SqliteTableFor<E extends EntityDef> = SQLiteTableWithColumns<{
  name: E['name'];
  schema: undefined;
  columns: BuildColumns<
    E['name'],
    { [K in keyof E['columns']]: SqliteColumnFor<E['columns'][K]> },
    'sqlite'
  >;
  dialect: 'sqlite';
}>;

type Resolver = (entity: string, column: string) => AnySQLiteColumn;
type Loose = SQLiteTextBuilderInitial<'', [string, ...string[]], undefined>;
/** The column builders differ per kind; past the switch only their shared methods are used. */
const loose = (builder: unknown): Loose => builder as Loose;

function sqliteColumn(key: string, c: AnyCol, resolve: Resolver): SQLiteColumnBuilderBase {
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
    case 'bigint':
      b = loose(integer(name));
      break;
    case 'real':
      b = loose(real(name));
      break;
    case 'boolean':
      b = loose(integer(name, { mode: 'boolean' }));
      break;
    case 'timestamp': {
      const t = integer(name, { mode: 'timestamp_ms' });
      b = loose(o.defaultNow ? t.default(sql`(unixepoch('subsec') * 1000)`) : t);
      break;
    }
    case 'json':
      b = loose(text(name, { mode: 'json' }));
      break;
    case 'bytes':
      b = loose(blob(name, { mode: 'buffer' }));
      break;
  }
  if (o.notNull && c.kind !== 'id') b = loose(b.notNull());
  if (o.unique) b = loose(b.unique());
  if (o.defaultValue !== undefined) {
    b = loose(b.default(o.defaultValue as string));
  }
  const ref = o.references;
  if (ref) b = b.references(() => resolve(ref.entity, ref.column), { onDelete: ref.onDelete });
  return b;
}

/** Builds the SQLite tables for a set of entities (client and shared placements). */
export function buildSqliteTables<const E extends readonly EntityDef[]>(
  entities: E,
): {
  [X in E[number] as X['placement'] extends 'server' ? never : X['name']]: SqliteTableFor<X>;
} {
  const tables: Record<string, SQLiteTableWithColumns<never>> = {};
  const resolve: Resolver = (entity, column) => {
    const t = tables[entity] as unknown as Record<string, AnySQLiteColumn> | undefined;
    const c = t?.[column];
    if (!c) throw new Error(`schema: unknown reference ${entity}.${column}`);
    return c;
  };
  for (const e of entities) {
    if (e.placement === 'server') continue;
    const cols: Record<string, SQLiteColumnBuilderBase> = {};
    for (const [key, c] of Object.entries(e.columns)) cols[key] = sqliteColumn(key, c, resolve);
    tables[e.name] = sqliteTable(sqlName(e.name), cols, (t) =>
      e.indexes.map((ix) => {
        const on = ix.columns.map((k) => (t as Record<string, AnySQLiteColumn>)[k]!);
        const [first, ...rest] = on;
        return (ix.unique ? uniqueIndex(ix.name) : index(ix.name)).on(first!, ...rest);
      }),
    ) as unknown as SQLiteTableWithColumns<never>;
  }
  return tables as never;
}
