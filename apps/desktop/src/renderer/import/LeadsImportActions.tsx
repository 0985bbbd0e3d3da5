/**
 * Import and export entry points for the Leads area's top bar: "Import leads" (with the running
 * import's progress), "Export leads" (every lead). Hidden while the import screen is open, which
 * has its own.
 */
import { useState } from 'react';
import { Button, Icon } from '@sdr/ui';
import { ExportDialog } from '../export/ExportDialog.tsx';
import { jobPercent } from './model.ts';
import { openImport, useImportRoute } from './route.ts';
import { useImport } from './store.ts';
import { useImportJobs } from './useImportJobs.ts';

export function LeadsImportActions() {
  useImportJobs();
  const open = useImportRoute((s) => s.open);
  const jobs = useImport((s) => s.jobs);
  const [exportOpen, setExportOpen] = useState(false);
  const running = jobs.find((job) => job.state === 'running');
  if (open) return null;
  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        icon={<Icon name="plus" size={14} />}
        onClick={openImport}
        aria-label={running ? `Import leads (importing, ${jobPercent(running)}%)` : undefined}
      >
        {running ? `Importing ${jobPercent(running)}%` : 'Import leads'}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setExportOpen(true)}>
        Export leads
      </Button>
      <ExportDialog open={exportOpen} onClose={() => setExportOpen(false)} selection={{}} />
    </>
  );
}
