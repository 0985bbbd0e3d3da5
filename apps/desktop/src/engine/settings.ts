/** Local settings (key/value in SQLite), available while signed out. */
import { eq } from 'drizzle-orm';
import { localSetting } from '@sdr/schema/sqlite';
import { Theme } from '../shared/contract.ts';
import type { EngineDb } from './db.ts';

export function createSettings(db: EngineDb) {
  const get = (key: string): unknown =>
    db.select().from(localSetting).where(eq(localSetting.key, key)).get()?.value;
  const set = (key: string, value: unknown) =>
    db
      .insert(localSetting)
      .values({ key, value })
      .onConflictDoUpdate({ target: localSetting.key, set: { value } })
      .run();

  return {
    getTheme(): Theme {
      const parsed = Theme.safeParse(get('theme'));
      return parsed.success ? parsed.data : 'system';
    },
    setTheme(theme: Theme): Theme {
      set('theme', theme);
      return theme;
    },
    /** True once the first-run demo sign-in was attempted, so signing out is respected later. */
    demoSignInDone(): boolean {
      return get('demoSignInDone') === true;
    },
    markDemoSignInDone(): void {
      set('demoSignInDone', true);
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;
