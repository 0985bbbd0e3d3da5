/**
 * The draft state machine shared by the settings editors that save a whole document to the
 * server (Settings → Leads, Settings → Inbox): the settings as saved, the draft being edited,
 * and whether someone else saved meanwhile; plus the summary of a refusal with field issues.
 */
import { issuesByPath, type Issues } from './leads/draft.ts';

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

/**
 * A refused save: with field issues, the issues by path, the first part that has some (to show
 * it) and the summary; otherwise no issues and null (the caller shows the error message).
 */
export function refusedWithIssues<P extends string>(
  issues: readonly { path: string; message: string }[] | undefined,
  parts: readonly { value: P }[],
  countsOf: (byPath: Issues) => Record<P, number>,
): { issues: Issues; part: P | null; message: string } | null {
  if (!issues?.length) return null;
  const byPath = issuesByPath(issues);
  const counts = countsOf(byPath);
  return {
    issues: byPath,
    part: parts.find((p) => counts[p.value] > 0)?.value ?? null,
    message: issuesSummary(issues.length),
  };
}
