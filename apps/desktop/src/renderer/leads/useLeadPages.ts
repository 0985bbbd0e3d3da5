/**
 * The lead table's rows: a `PageCache` over `leads:query` / `leads:count` for the current query,
 * refreshed (count and the pages on screen) when the engine says leads changed.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LeadDto } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { PageCache, queryKey } from './page-cache.ts';
import type { LeadQueryInput } from './query.ts';

export const PAGE_SIZE = 100;
/** Bursts of `leads:changed` (a sync catching up) refresh once. */
const REFRESH_DEBOUNCE_MS = 150;

export type LeadPages = {
  cache: PageCache<LeadQueryInput, LeadDto>;
  subscribe: (listener: () => void) => () => void;
  /** Data changed: forget counts, re-fetch what is on screen. */
  refresh: () => void;
};

function createLeadPages(): LeadPages {
  const listeners = new Set<() => void>();
  // Counts do not depend on the sort: changing the sort does not count a million rows again.
  const counts = new Map<
    string,
    Promise<{ ok: true; data: number } | { ok: false; message: string }>
  >();
  const cache = new PageCache<LeadQueryInput, LeadDto>({
    pageSize: PAGE_SIZE,
    fetchPage: async (query, offset, limit) => {
      const result = await engine.invoke('leads:query', { ...query, offset, limit });
      return result.ok
        ? { ok: true, data: result.data.items }
        : { ok: false, message: errorMessage(result.error) };
    },
    fetchCount: (query) => {
      const { sort: _sort, ...selection } = query;
      const key = queryKey(selection);
      const known = counts.get(key);
      if (known) return known;
      const pending = engine.invoke('leads:count', selection).then((result) => {
        if (!result.ok) counts.delete(key);
        return result.ok
          ? { ok: true as const, data: result.data.count }
          : { ok: false as const, message: errorMessage(result.error) };
      });
      if (counts.size >= 50) counts.clear(); // a search typed letter by letter
      counts.set(key, pending);
      return pending;
    },
    onChange: () => {
      for (const listener of listeners) listener();
    },
  });
  return {
    cache,
    refresh() {
      counts.clear();
      cache.refresh();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Shows `query` (null: nothing yet, e.g. the field list is loading). Returns the cache and its
 * version, which changes whenever rows, the total or an error change.
 */
export function useLeadPages(query: LeadQueryInput | null) {
  const [pages] = useState(createLeadPages);
  const version = useSyncExternalStore(pages.subscribe, () => pages.cache.version);
  const key = query ? queryKey(query) : null;

  useEffect(() => {
    if (query && key) pages.cache.setQuery(key, query);
    // `key` stands for `query`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, pages]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        pages.refresh();
      }, REFRESH_DEBOUNCE_MS);
    };
    // A list's members changing changes what a list shows.
    const offs = [engine.on('leads:changed', later), engine.on('lists:changed', later)];
    const offConnection = engine.onConnection((state) => {
      if (state === 'open') pages.refresh();
    });
    return () => {
      offs.forEach((off) => off());
      offConnection();
      if (timer) clearTimeout(timer);
    };
  }, [pages]);

  return { cache: pages.cache, refresh: pages.refresh, version, key };
}

/**
 * Every id of a query, fetched in pages of 500 (for actions on "all leads in the view").
 * Refuses above `max`: the contract takes at most 100,000 ids per list call.
 */
export async function allIds(
  query: LeadQueryInput,
  total: number,
  max = 100_000,
): Promise<{ ok: true; ids: string[] } | { ok: false; message: string }> {
  if (total > max) {
    return {
      ok: false,
      message: `That is ${total.toLocaleString()} leads; this works on at most ${max.toLocaleString()} at once. Narrow the view first.`,
    };
  }
  const ids: string[] = [];
  for (let offset = 0; offset < total; offset += 500) {
    const result = await engine.invoke('leads:query', { ...query, offset, limit: 500 });
    if (!result.ok) return { ok: false, message: errorMessage(result.error) };
    for (const lead of result.data.items) ids.push(lead.id);
    if (result.data.items.length < 500) break;
  }
  return { ok: true, ids };
}
