/**
 * The colour theme. The engine stores the choice (`settings:getTheme`/`settings:setTheme`); a copy in
 * localStorage lets the first paint use the right colours before the engine answers. `system`
 * follows the OS and updates live.
 */
import { create } from 'zustand';
import type { Result, Theme } from '../../shared/contract.ts';
import { engine } from '../engine.ts';

export type ResolvedTheme = 'light' | 'dark';
const STORAGE_KEY = 'sdr.theme';
const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export function resolveTheme(theme: Theme, systemPrefersDark: boolean): ResolvedTheme {
  if (theme === 'system') return systemPrefersDark ? 'dark' : 'light';
  return theme;
}

function readCached(): Theme {
  try {
    const cached = window.localStorage.getItem(STORAGE_KEY);
    if (cached === 'light' || cached === 'dark' || cached === 'system') return cached;
  } catch {
    // Storage can be unavailable (privacy settings); the engine's answer will follow.
  }
  return 'system';
}

function apply(theme: Theme): ResolvedTheme {
  const resolved = resolveTheme(theme, darkQuery().matches);
  document.documentElement.dataset.theme = resolved;
  try {
    window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Not critical: only the first paint uses the cache.
  }
  return resolved;
}

type ThemeStore = {
  theme: Theme;
  resolved: ResolvedTheme;
  load: () => Promise<void>;
  choose: (theme: Theme) => Promise<Result<Theme>>;
};

export const useTheme = create<ThemeStore>((set, get) => {
  const initial = readCached();
  darkQuery().addEventListener('change', () => {
    if (get().theme === 'system') set({ resolved: apply('system') });
  });
  return {
    theme: initial,
    resolved: apply(initial),
    async load() {
      const result = await engine.invoke('settings:getTheme', {});
      if (result.ok) set({ theme: result.data, resolved: apply(result.data) });
    },
    async choose(theme) {
      const previous = get().theme;
      set({ theme, resolved: apply(theme) });
      const result = await engine.invoke('settings:setTheme', { theme });
      if (result.ok) set({ theme: result.data, resolved: apply(result.data) });
      else set({ theme: previous, resolved: apply(previous) });
      return result;
    },
  };
});
