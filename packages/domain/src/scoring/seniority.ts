/**
 * Seniority from a free-text job title, for `seniority` fit rules. A small, predictable keyword
 * classifier (documented in README.md), checked in order: assistants and interns, VPs, C-level and
 * founders, directors and heads, managers and leads, everyone else.
 */
import type { SeniorityLevel } from '@sdr/schema';

const ALNUM = /[\p{L}\p{N}]+/gu;

function words(title: string): string[] {
  return title.toLowerCase().match(ALNUM) ?? [];
}

function hasPhrase(ws: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= ws.length; i++) {
    if (phrase.every((p, k) => ws[i + k] === p)) return true;
  }
  return false;
}

const JUNIOR = new Set(['assistant', 'intern', 'internship', 'trainee', 'apprentice']);
const VP = new Set(['vp', 'svp', 'evp', 'avp']);
const C_LEVEL = new Set([
  'chief',
  'ceo',
  'cto',
  'cfo',
  'coo',
  'cmo',
  'cro',
  'cio',
  'ciso',
  'cpo',
  'cso',
  'founder',
  'cofounder',
  'president',
  'owner',
]);
const DIRECTOR = new Set(['director', 'head']);
const MANAGER = new Set(['manager', 'mgr', 'lead', 'leader', 'supervisor']);

/** The seniority level of a title, or null for an empty title. */
export function seniorityOf(title: string | null | undefined): SeniorityLevel | null {
  const ws = words(title ?? '');
  if (ws.length === 0) return null;
  const any = (set: ReadonlySet<string>): boolean => ws.some((w) => set.has(w));
  if (any(JUNIOR)) return 'individual';
  if (any(VP) || hasPhrase(ws, ['vice', 'president'])) return 'vp';
  const cLevel = ws.some((w, i) => C_LEVEL.has(w) && !(w === 'owner' && ws[i - 1] === 'product'));
  if (cLevel) return 'c-level';
  if (any(DIRECTOR) || hasPhrase(ws, ['general', 'manager'])) return 'director';
  if (any(MANAGER)) return 'manager';
  return 'individual';
}
