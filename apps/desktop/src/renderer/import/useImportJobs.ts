import { useEffect } from 'react';
import { useSignedIn } from '../stores/auth.ts';
import { useImport, watchJobs } from './store.ts';

/** Keeps the import store on the signed-in workspace and its job list live while mounted. */
export function useImportJobs(): void {
  const { me } = useSignedIn();
  useEffect(() => {
    useImport.getState().forWorkspace(me.workspace.id);
    return watchJobs();
  }, [me.workspace.id]);
}
