/**
 * Reply templates and mentions.
 *
 * `renderTemplate(body, vars)` fills `{{lead.firstName}}`-style placeholders from three
 * namespaces (`lead`, `user` = the sender, `workspace`). A placeholder may carry a fallback:
 * `{{lead.firstName | "there"}}` (double or single quotes). A placeholder with no value
 * (unknown namespace or key, null, empty or non-scalar) and no fallback renders as "" and is
 * listed in `missing`, so the composer can warn before sending. Nothing else is interpreted: no
 * HTML escaping (the composer and the sender escape per channel), no logic.
 *
 * `parseMentions(text, members)` finds `@Full Name`, `@email` and `@FirstName` (when only one
 * member has that first name) in a note; the longest match wins and an `@` inside a word (an
 * email address in the text) is not a mention.
 */

/** Scalars render (booleans as yes/no); anything else (arrays, objects) counts as no value. */
export type TemplateValue = string | number | boolean | null | undefined;
export type TemplateScope = Readonly<Record<string, unknown>>;

export interface TemplateVars {
  readonly lead?: TemplateScope;
  readonly user?: TemplateScope;
  readonly workspace?: TemplateScope;
}

export interface RenderedTemplate {
  readonly text: string;
  /** Placeholders left empty (no value, no fallback), e.g. `lead.company`, once each. */
  readonly missing: string[];
}

/** The variables the composer offers (any key of the passed scopes works). */
export const TEMPLATE_VARIABLES = [
  'lead.firstName',
  'lead.lastName',
  'lead.fullName',
  'lead.company',
  'lead.title',
  'lead.email',
  'lead.phone',
  'lead.city',
  'lead.country',
  'user.name',
  'user.firstName',
  'user.email',
  'user.signature',
  'workspace.name',
] as const;

const PLACEHOLDER =
  /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*(?:\|\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*)?\}\}/g;

function lookup(vars: TemplateVars, path: string): string | null {
  const [scope, ...rest] = path.split('.');
  if (rest.length !== 1) return null;
  const key = rest[0] ?? '';
  const values =
    scope === 'lead'
      ? vars.lead
      : scope === 'user'
        ? vars.user
        : scope === 'workspace'
          ? vars.workspace
          : undefined;
  if (!values || !Object.hasOwn(values, key)) return null;
  const v = values[key];
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return null;
}

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, '$1');
}

export function renderTemplate(body: string, vars: TemplateVars): RenderedTemplate {
  const missing: string[] = [];
  const text = body.replace(PLACEHOLDER, (_match, path: string, fallback: string | undefined) => {
    const value = lookup(vars, path);
    if (value !== null) return value;
    if (fallback !== undefined) return unquote(fallback);
    if (!missing.includes(path)) missing.push(path);
    return '';
  });
  return { text, missing };
}

/** The placeholders a template uses, once each, in order (for previews and checks). */
export function templateVariables(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(PLACEHOLDER)) {
    const path = m[1] ?? '';
    if (!out.includes(path)) out.push(path);
  }
  return out;
}

// ---- mentions ----------------------------------------------------------------------------------

export interface MentionMember {
  readonly id: string;
  readonly name: string;
  readonly email?: string | null;
}

export interface Mention {
  readonly userId: string;
  /** Offsets of `@...` in the text: `[start, end)`. */
  readonly start: number;
  readonly end: number;
}

export interface ParsedMentions {
  /** Mentioned member ids, once each, in order of first mention. */
  readonly userIds: string[];
  readonly mentions: Mention[];
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

export function parseMentions(text: string, members: readonly MentionMember[]): ParsedMentions {
  const firstNames = new Map<string, number>();
  for (const m of members) {
    const f = m.name.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (f !== '') firstNames.set(f, (firstNames.get(f) ?? 0) + 1);
  }
  const tokens: { readonly token: string; readonly id: string }[] = [];
  for (const m of members) {
    const name = m.name.trim().replace(/\s+/g, ' ');
    if (name !== '') tokens.push({ token: name.toLowerCase(), id: m.id });
    const email = m.email?.trim();
    if (email) tokens.push({ token: email.toLowerCase(), id: m.id });
    const firstName = name.split(' ')[0]?.toLowerCase() ?? '';
    if (firstName !== '' && firstNames.get(firstName) === 1)
      tokens.push({ token: firstName, id: m.id });
  }
  tokens.sort((a, b) => b.token.length - a.token.length);

  const lower = text.toLowerCase();
  const mentions: Mention[] = [];
  const userIds: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '@') continue;
    const before = i > 0 ? (text[i - 1] ?? '') : '';
    if (before !== '' && WORD_CHAR.test(before)) continue;
    const rest = lower.slice(i + 1);
    const hit = tokens.find(({ token }) => {
      if (!rest.startsWith(token)) return false;
      const after = rest[token.length] ?? '';
      // A trailing "." or "," ends a sentence, not the name; a letter or digit continues a word.
      return after === '' || !WORD_CHAR.test(after);
    });
    if (!hit) continue;
    const end = i + 1 + hit.token.length;
    mentions.push({ userId: hit.id, start: i, end });
    if (!userIds.includes(hit.id)) userIds.push(hit.id);
    i = end - 1;
  }
  return { userIds, mentions };
}
