/**
 * The one place an entity is described. `defineEntity` takes a dialect-neutral column map; the
 * Postgres tables (`pg.ts`), the SQLite tables (`sqlite.ts`) and the zod row schemas (`zod.ts`) are
 * all derived from it, so a column can never exist in one and be forgotten in another.
 *
 * Column kinds are deliberately few. Each maps to one Postgres type and one SQLite storage class
 * with the same JavaScript value on both sides (a Date is a Date, a boolean is a boolean).
 */

export type ColumnKind =
  'id' | 'text' | 'integer' | 'bigint' | 'real' | 'boolean' | 'timestamp' | 'json' | 'bytes';

/** Where a table exists: on the server (Postgres), on the client (SQLite), or both. */
export type Placement = 'both' | 'server' | 'client';

export interface Reference {
  readonly entity: string;
  readonly column: string;
  readonly onDelete: 'cascade' | 'set null' | 'restrict';
}

/** Runtime description of one column. The type parameters carry the TypeScript facts. */
export class Col<
  K extends ColumnKind = ColumnKind,
  T = unknown,
  NN extends boolean = boolean,
  HD extends boolean = boolean,
> {
  declare readonly _type: T;
  declare readonly _notNull: NN;
  declare readonly _hasDefault: HD;

  constructor(
    readonly kind: K,
    readonly opts: {
      readonly notNull: boolean;
      readonly primary: boolean;
      readonly unique: boolean;
      readonly defaultValue?: unknown;
      readonly defaultNow?: boolean;
      readonly enumValues?: readonly string[];
      readonly references?: Reference;
    },
  ) {}

  notNull(): Col<K, T, true, HD> {
    return new Col(this.kind, { ...this.opts, notNull: true });
  }
  unique(): Col<K, T, NN, HD> {
    return new Col(this.kind, { ...this.opts, unique: true });
  }
  default(value: T): Col<K, T, NN, true> {
    return new Col(this.kind, { ...this.opts, defaultValue: value });
  }
  /** Only for `timestamp`: the database fills in the current time. */
  defaultNow(): Col<K, T, NN, true> {
    return new Col(this.kind, { ...this.opts, defaultNow: true });
  }
  references(entity: string, onDelete: Reference['onDelete'] = 'cascade', column = 'id'): this {
    return new Col(this.kind, { ...this.opts, references: { entity, column, onDelete } }) as this;
  }
  /** Narrow the TypeScript type (e.g. a json column's shape, a branded id). */
  $type<U extends T>(): Col<K, U, NN, HD> {
    return this as unknown as Col<K, U, NN, HD>;
  }
}

const base = { notNull: false, primary: false, unique: false };

export const col = {
  /** A text primary key holding a ULID. */
  id: (): Col<'id', string, true, false> =>
    new Col('id', { ...base, notNull: true, primary: true }),
  text: (): Col<'text', string, false, false> => new Col('text', base),
  enum: <const V extends readonly [string, ...string[]]>(
    values: V,
  ): Col<'text', V[number], false, false> => new Col('text', { ...base, enumValues: values }),
  integer: (): Col<'integer', number, false, false> => new Col('integer', base),
  /** 64-bit integer read as a JS number (safe up to 2^53); for sequence numbers and counters. */
  bigint: (): Col<'bigint', number, false, false> => new Col('bigint', base),
  real: (): Col<'real', number, false, false> => new Col('real', base),
  boolean: (): Col<'boolean', boolean, false, false> => new Col('boolean', base),
  timestamp: (): Col<'timestamp', Date, false, false> => new Col('timestamp', base),
  json: <T = unknown>(): Col<'json', T, false, false> => new Col('json', base),
  bytes: (): Col<'bytes', Uint8Array, false, false> => new Col('bytes', base),
};

export type AnyCol = Col<ColumnKind, unknown, boolean, boolean>;
export type Columns = Record<string, AnyCol>;

export interface IndexSpec<C extends Columns> {
  readonly name: string;
  readonly columns: readonly (keyof C & string)[];
  readonly unique?: boolean;
}

export interface EntityDef<N extends string = string, C extends Columns = Columns> {
  readonly name: N;
  readonly columns: C;
  readonly placement: Placement;
  readonly indexes: readonly { name: string; columns: readonly string[]; unique?: boolean }[];
}

export function defineEntity<N extends string, C extends Columns>(
  name: N,
  columns: C,
  options: { placement?: Placement; indexes?: readonly IndexSpec<C>[] } = {},
): EntityDef<N, C> {
  return { name, columns, placement: options.placement ?? 'both', indexes: options.indexes ?? [] };
}

/** snake_case column names in SQL, camelCase in TypeScript. */
export function sqlName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The TypeScript row type of an entity, as read from either database. */
export type RowOf<E extends EntityDef> = {
  [K in keyof E['columns']]: E['columns'][K] extends Col<ColumnKind, infer T, infer NN, boolean>
    ? NN extends true
      ? T
      : T | null
    : never;
};
