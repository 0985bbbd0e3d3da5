/**
 * The Leads area's own sidebar: all leads, pinned views with live counts, the other views, and
 * the lead lists. Each view and list has a menu (rename, pin/unpin, delete).
 */
import { memo, useMemo, useState } from 'react';
import { ActionMenu, Button, Icon, useToast } from '@sdr/ui';
import type { LeadListDto, SavedViewDto } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { ConfirmDialog, NewListDialog, RenameDialog } from './dialogs.tsx';
import type { Source } from './query.ts';
import { useLeads } from './store.ts';
import { useLiveCounts } from './useLiveCounts.ts';
import type { CountTarget } from './useLiveCounts.ts';
import type { FilterNode } from '@sdr/domain';

const ALL = '__all__';
const countFormat = new Intl.NumberFormat(undefined, { notation: 'compact' });

function Count({ value }: { value: number | undefined }) {
  if (value === undefined) return null;
  return (
    <span
      className="leads-side__count"
      aria-label={`${value.toLocaleString()} ${value === 1 ? 'lead' : 'leads'}`}
    >
      {countFormat.format(value)}
    </span>
  );
}

type Pending =
  | { kind: 'rename-view'; view: SavedViewDto }
  | { kind: 'rename-list'; list: LeadListDto }
  | { kind: 'delete-view'; view: SavedViewDto }
  | { kind: 'delete-list'; list: LeadListDto }
  | null;

/** Memoised: the area re-renders whenever a page of rows arrives; the sidebar need not. */
export const LeadsSidebar = memo(function LeadsSidebar({
  source,
  filter,
  onShowAll,
}: {
  source: Source;
  /** The filter on screen (for a new dynamic list). */
  filter: FilterNode | undefined;
  onShowAll: () => void;
}) {
  const views = useLeads((s) => s.views);
  const lists = useLeads((s) => s.lists);
  const openView = useLeads((s) => s.openView);
  const openList = useLeads((s) => s.openList);
  const loadViews = useLeads((s) => s.loadViews);
  const loadLists = useLeads((s) => s.loadLists);
  const toast = useToast();
  const [pending, setPending] = useState<Pending>(null);
  const [newList, setNewList] = useState(false);
  const [showOthers, setShowOthers] = useState(false);

  const pinned = useMemo(() => (views.data ?? []).filter((v) => v.pinned), [views.data]);
  const others = useMemo(() => (views.data ?? []).filter((v) => !v.pinned), [views.data]);
  const targets = useMemo<CountTarget[]>(
    () => [
      { id: ALL, filter: null },
      ...pinned.map((v) => ({
        id: v.id,
        filter: v.filter,
        ...(v.search ? { search: v.search } : {}),
        ...(v.listId ? { listId: v.listId } : {}),
      })),
      ...(lists.data ?? []).map((l) =>
        l.kind === 'static'
          ? { id: l.id, filter: null, listId: l.id }
          : { id: l.id, filter: l.filter },
      ),
    ],
    [pinned, lists.data],
  );
  const counts = useLiveCounts(targets);

  async function setPinned(view: SavedViewDto, pin: boolean) {
    const { ownerId: _o, updatedAt: _u, ...input } = view;
    const result = await engine.invoke('views:save', { ...input, pinned: pin });
    if (!result.ok) toast(errorMessage(result.error), 'error');
    else {
      toast(pin ? `Pinned “${view.name}”` : `Unpinned “${view.name}”`, 'success');
      void loadViews();
    }
  }

  function viewItem(view: SavedViewDto, withCount: boolean) {
    const active = source.kind === 'view' && source.id === view.id;
    return (
      <li key={view.id} className="leads-side__item">
        <button
          type="button"
          className="leads-side__link"
          aria-current={active ? 'page' : undefined}
          onClick={() => openView(view)}
        >
          <Icon name={view.scope === 'shared' ? 'users' : 'eye'} size={15} />
          <span className="leads-side__name">{view.name}</span>
          {withCount ? <Count value={counts[view.id]} /> : null}
        </button>
        <ActionMenu
          label={`Actions for ${view.name}`}
          trigger={<Icon name="more" size={15} />}
          triggerClassName="leads-side__menu"
          items={[
            { id: 'rename', label: 'Rename…' },
            { id: 'pin', label: view.pinned ? 'Unpin' : 'Pin to sidebar' },
            { id: 'delete', label: 'Delete…', danger: true },
          ]}
          onSelect={(id) => {
            if (id === 'rename') setPending({ kind: 'rename-view', view });
            else if (id === 'pin') void setPinned(view, !view.pinned);
            else setPending({ kind: 'delete-view', view });
          }}
        />
      </li>
    );
  }

  return (
    <nav className="leads-side" aria-label="Views and lists">
      <button
        type="button"
        className="leads-side__link"
        aria-current={source.kind === 'all' ? 'page' : undefined}
        onClick={onShowAll}
      >
        <Icon name="leads" size={15} />
        <span className="leads-side__name">All leads</span>
        <Count value={counts[ALL]} />
      </button>

      <h2 className="leads-side__heading">Views</h2>
      {views.error ? <p className="leads-side__error">{views.error}</p> : null}
      {views.data && views.data.length === 0 ? (
        <p className="leads-side__empty">Filter the table, then “Save view” to keep it here.</p>
      ) : null}
      <ul className="leads-side__list" aria-label="Pinned views">
        {pinned.map((view) => viewItem(view, true))}
      </ul>
      {others.length > 0 ? (
        <>
          <button
            type="button"
            className="leads-side__toggle"
            aria-expanded={showOthers}
            onClick={() => setShowOthers(!showOthers)}
          >
            <Icon name={showOthers ? 'chevron-down' : 'chevron-right'} size={14} />
            More views ({others.length})
          </button>
          {showOthers ? (
            <ul className="leads-side__list" aria-label="Other views">
              {others.map((view) => viewItem(view, false))}
            </ul>
          ) : null}
        </>
      ) : null}

      <h2 className="leads-side__heading">Lists</h2>
      {lists.error ? <p className="leads-side__error">{lists.error}</p> : null}
      <ul className="leads-side__list" aria-label="Lists">
        {(lists.data ?? []).map((list) => {
          const active = source.kind === 'list' && source.id === list.id;
          return (
            <li key={list.id} className="leads-side__item">
              <button
                type="button"
                className="leads-side__link"
                aria-current={active ? 'page' : undefined}
                onClick={() => openList(list)}
                title={
                  list.kind === 'dynamic' ? 'Every lead matching its filter' : 'Hand-picked leads'
                }
              >
                <Icon name={list.kind === 'dynamic' ? 'filter' : 'list'} size={15} />
                <span className="leads-side__name">{list.name}</span>
                <Count value={counts[list.id]} />
              </button>
              <ActionMenu
                label={`Actions for ${list.name}`}
                trigger={<Icon name="more" size={15} />}
                triggerClassName="leads-side__menu"
                items={[
                  { id: 'rename', label: 'Rename…' },
                  { id: 'delete', label: 'Delete…', danger: true },
                ]}
                onSelect={(id) =>
                  setPending(
                    id === 'rename' ? { kind: 'rename-list', list } : { kind: 'delete-list', list },
                  )
                }
              />
            </li>
          );
        })}
      </ul>
      <Button
        size="sm"
        variant="ghost"
        icon={<Icon name="plus" size={14} />}
        onClick={() => setNewList(true)}
      >
        New list
      </Button>

      <NewListDialog
        open={newList}
        onClose={() => setNewList(false)}
        filter={filter}
        onCreated={(list) => {
          setNewList(false);
          toast(`Created the list “${list.name}”`, 'success');
          void loadLists();
        }}
      />
      <RenameDialog
        target={
          pending?.kind === 'rename-view'
            ? { kind: 'view', view: pending.view }
            : pending?.kind === 'rename-list'
              ? { kind: 'list', list: pending.list }
              : null
        }
        onClose={() => setPending(null)}
        onRenamed={() => {
          setPending(null);
          void loadViews();
          void loadLists();
        }}
      />
      <ConfirmDialog
        open={pending?.kind === 'delete-view' || pending?.kind === 'delete-list'}
        title={
          pending?.kind === 'delete-view'
            ? `Delete the view “${pending.view.name}”?`
            : pending?.kind === 'delete-list'
              ? `Delete the list “${pending.list.name}”?`
              : 'Delete?'
        }
        text={
          pending?.kind === 'delete-list'
            ? 'The leads stay; only the list goes.'
            : 'The leads stay; only the saved filter, columns and sort go.'
        }
        confirm="Delete"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          if (pending?.kind !== 'delete-view' && pending?.kind !== 'delete-list') return null;
          const result =
            pending.kind === 'delete-view'
              ? await engine.invoke('views:delete', { id: pending.view.id })
              : await engine.invoke('lists:delete', { id: pending.list.id });
          if (!result.ok) return errorMessage(result.error);
          setPending(null);
          void loadViews();
          void loadLists();
          return null;
        }}
      />
    </nav>
  );
});
