/**
 * Live counts for the sidebar: `leads:count` per pinned view, per list and for all leads, asked
 * again — debounced — when leads or list members change, and when the views themselves change.
 */
import { useEffect, useState } from 'react';
import type { FilterNode } from '@sdr/domain';
import { engine } from '../engine.ts';
import { queryKey } from './page-cache.ts';
import { allOf } from './query.ts';

const DEBOUNCE_MS = 400;

export type CountTarget = {
  id: string;
  filter: FilterNode | null;
  listId?: string;
  search?: string;
};

/** id → count (undefined while unknown or when counting failed). */
export function useLiveCounts(targets: readonly CountTarget[]): Record<string, number | undefined> {
  const [counts, setCounts] = useState<Record<string, number | undefined>>({});
  const key = queryKey(targets);

  useEffect(() => {
    let current = true;
    const wanted = JSON.parse(key) as CountTarget[];
    const load = () => {
      for (const target of wanted) {
        const filter = allOf(target.filter);
        void engine
          .invoke('leads:count', {
            ...(filter ? { filter } : {}),
            ...(target.listId ? { listId: target.listId } : {}),
            ...(target.search?.trim() ? { search: target.search.trim() } : {}),
          })
          .then((result) => {
            if (!current) return;
            setCounts((old) => ({
              ...old,
              [target.id]: result.ok ? result.data.count : undefined,
            }));
          });
      }
    };
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        load();
      }, DEBOUNCE_MS);
    };
    // Leads changed, or a list's members did.
    const offs = [engine.on('leads:changed', later), engine.on('lists:changed', later)];
    load();
    return () => {
      current = false;
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [key]);

  return counts;
}
