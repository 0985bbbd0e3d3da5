/**
 * Notices about leads that matter in every area: a task came due (`tasks:due`), and the server
 * reverted part of a local edit (`sync:reverted`).
 */
import { useEffect } from 'react';
import { useToast } from '@sdr/ui';
import { engine } from '../engine.ts';

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function useLeadNotifications(): void {
  const toast = useToast();
  useEffect(() => {
    const offDue = engine.on('tasks:due', (task) => {
      toast(`Task due${task.dueAt ? ` at ${time.format(task.dueAt)}` : ''}: ${task.title}`, 'info');
    });
    const offReverted = engine.on('sync:reverted', (event) => {
      const reasons = event.reasons.map((r) => `${r.field}: ${r.message}`).join('; ');
      toast(`The server reverted a change to a lead (${reasons})`, 'error');
    });
    return () => {
      offDue();
      offReverted();
    };
  }, [toast]);
}
