/** Record docs are named `<type>:<id>`, e.g. `lead:01JABCDEF...`. Pure: no Yjs here. */

const TYPE = /^[a-z][a-zA-Z0-9]{0,31}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
export const DOC_NAME_MAX = 97;

export interface DocRef {
  readonly type: string;
  readonly id: string;
}

export function docName(type: string, id: string): string {
  if (!TYPE.test(type) || !ID.test(id)) throw new Error(`invalid doc name parts: ${type}:${id}`);
  return `${type}:${id}`;
}

/** Parses `<type>:<id>`; `null` for anything else (never throws, safe on untrusted input). */
export function parseDocName(name: string): DocRef | null {
  if (name.length > DOC_NAME_MAX) return null;
  const i = name.indexOf(':');
  if (i < 0) return null;
  const type = name.slice(0, i);
  const id = name.slice(i + 1);
  return TYPE.test(type) && ID.test(id) ? { type, id } : null;
}
