/** What the rest of the renderer mounts from the import screens (see README "Import and export"). */
export { ImportScreen } from './ImportScreen.tsx';
export { LeadsImportActions } from './LeadsImportActions.tsx';
export { closeImport, openImport, useImportRoute } from './route.ts';
