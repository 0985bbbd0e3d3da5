/**
 * Which area is on screen. Mirrored in the URL hash (`#/leads`) so a reload, under `app://` or
 * http, comes back to the same place; hash routing needs no server support.
 */
import { create } from 'zustand';
import { isAreaId } from '../areas.ts';
import type { AreaId } from '../areas.ts';

export function areaFromHash(hash: string): AreaId | null {
  const id = hash.replace(/^#\/?/, '');
  return isAreaId(id) ? id : null;
}

type NavStore = { area: AreaId; go: (area: AreaId) => void };

export const useNav = create<NavStore>((set) => {
  window.addEventListener('hashchange', () => {
    const area = areaFromHash(window.location.hash);
    if (area) set({ area });
  });
  return {
    area: areaFromHash(window.location.hash) ?? 'leads',
    go(area) {
      if (window.location.hash !== `#/${area}`) window.history.replaceState(null, '', `#/${area}`);
      set({ area });
    },
  };
});
