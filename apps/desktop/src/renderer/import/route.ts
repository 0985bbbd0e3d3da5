/**
 * The import screen is a page of the Leads area at `#/leads/import`: a reload comes back to it, the
 * browser's Back button (web shell) returns to the lead table, and going to any area closes it.
 */
import { create } from 'zustand';
import { useNav } from '../stores/nav.ts';

export const IMPORT_HASH = '#/leads/import';

const onImportHash = () => window.location.hash === IMPORT_HASH;

export const useImportRoute = create<{ open: boolean }>(() => ({ open: onImportHash() }));

window.addEventListener('hashchange', () => useImportRoute.setState({ open: onImportHash() }));
// `go(area)` replaces the hash without a hashchange event: follow the nav store too.
useNav.subscribe(() => {
  if (useImportRoute.getState().open && !onImportHash()) useImportRoute.setState({ open: false });
});

/** Shows the import screen (from anywhere: it switches to the Leads area). */
export function openImport(): void {
  if (useNav.getState().area !== 'leads') useNav.getState().go('leads');
  if (!onImportHash()) window.history.pushState(null, '', IMPORT_HASH);
  useImportRoute.setState({ open: true });
}

/** Back to the lead table. */
export function closeImport(): void {
  useImportRoute.setState({ open: false });
  useNav.getState().go('leads');
}
