/**
 * The draft state machine shared by the settings editors that save a whole document to the
 * server (Settings → Leads, Settings → Inbox): the settings as saved, the draft being edited,
 * and whether someone else saved meanwhile; plus the summary of a refusal with field issues.
 */

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The settings as saved, the draft being edited, and whether others saved during the edit. */
export type Editing<T> = { saved: T; draft: T; elsewhere: boolean };

/** Settings saved elsewhere arrived: taken unless the user is mid-edit (then they are told). */
export function received<T>(e: Editing<T> | null, next: T): Editing<T> {
  if (e === null || same(e.draft, e.saved)) return { saved: next, draft: next, elsewhere: false };
  return { saved: next, draft: e.draft, elsewhere: e.elsewhere || !same(e.draft, next) };
}

/** "One thing needs attention…" above the save buttons when the engine listed field issues. */
export function issuesSummary(count: number): string {
  return `${count === 1 ? 'One thing needs' : `${count} things need`} attention before saving.`;
}
