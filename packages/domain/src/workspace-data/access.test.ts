import { describe, expect, it } from 'vitest';
import {
  canEditLeadSettings,
  canEditList,
  canEditView,
  canSeeTask,
  canSeeView,
  taskWriteError,
  viewWriteError,
} from './access.ts';

const owner = { userId: 'o', role: 'sdr' } as const;
const sdr = { userId: 's', role: 'sdr' } as const;
const manager = { userId: 'm', role: 'manager' } as const;
const admin = { userId: 'a', role: 'admin' } as const;
const personal = { scope: 'personal', ownerId: 'o' } as const;
const shared = { scope: 'shared', ownerId: 'o' } as const;

describe('workspace data access', () => {
  it('views: personal is the owner’s only; shared is edited by the owner, managers and admins', () => {
    expect([owner, sdr, manager, admin].map((a) => canSeeView(a, personal))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect([owner, sdr, manager, admin].map((a) => canSeeView(a, shared))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([owner, sdr, manager, admin].map((a) => canEditView(a, shared))).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(viewWriteError(admin, personal, personal)).toBe('not_found');
    expect(viewWriteError(sdr, shared, shared)).toBe('forbidden');
    expect(viewWriteError(manager, shared, shared)).toBeNull();
    expect(viewWriteError(manager, shared, personal)).toBe('forbidden');
    expect(viewWriteError(owner, shared, personal)).toBeNull();
    expect(viewWriteError(sdr, null, shared)).toBeNull();
  });

  it('lists: owner, managers and admins edit', () => {
    expect([owner, sdr, manager, admin].map((a) => canEditList(a, { ownerId: 'o' }))).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });

  it('tasks: restricted visibility limits SDRs to their own and unassigned tasks', () => {
    const theirs = { assigneeId: 'x' };
    expect(canSeeTask(sdr, theirs, 'all')).toBe(true);
    expect(canSeeTask(sdr, theirs, 'team')).toBe(false);
    expect(canSeeTask(sdr, { assigneeId: null }, 'own')).toBe(true);
    expect(canSeeTask(manager, theirs, 'own')).toBe(true);
    expect(taskWriteError(sdr, theirs, { assigneeId: 's' }, 'own')).toBe('not_found');
    expect(taskWriteError(sdr, { assigneeId: null }, theirs, 'own')).toBe('forbidden');
    expect(taskWriteError(sdr, { assigneeId: null }, { assigneeId: 's' }, 'own')).toBeNull();
    expect(taskWriteError(sdr, null, theirs, 'all')).toBeNull();
  });

  it('lead settings: managers and admins', () => {
    expect(['admin', 'manager', 'sdr'].map((r) => canEditLeadSettings(r as 'sdr'))).toEqual([
      true,
      true,
      false,
    ]);
  });
});
