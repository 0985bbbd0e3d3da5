/**
 * The Leads area, the SDR's home screen: views and lists on the left, the search box, filter
 * builder, column menu and the virtualised lead table in the middle, the lead's details on the
 * right. Keyboard: j/k move, Enter opens, x selects, / searches, n adds a lead, Cmd/Ctrl-K opens
 * the command palette, Esc closes the details.
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  CommandPalette,
  EmptyState,
  Icon,
  Kbd,
  Popover,
  useToast,
} from '@sdr/ui';
import type { PaletteItem } from '@sdr/ui';
import { AREAS } from '../areas.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { isTypingTarget } from '../shortcuts.ts';
import { useSignedIn } from '../stores/auth.ts';
import { useNav } from '../stores/nav.ts';
import { conditionCount, emptyGroup } from './filter-model.ts';
import { FilterBuilder } from './FilterBuilder.tsx';
import { BulkBar } from './bulk/BulkBar.tsx';
import type { BulkSelection } from './bulk/BulkBar.tsx';
import { DuplicatesScreen } from './duplicates/DuplicatesScreen.tsx';
import { LeadDetail } from './LeadDetail.tsx';
import { LeadsSidebar } from './LeadsSidebar.tsx';
import { LeadTable } from './LeadTable.tsx';
import { NewLeadDialog, SaveViewDialog } from './dialogs.tsx';
import { matchCommands } from './palette.ts';
import type { LeadSelection } from '../../shared/contract.ts';
import type { LeadQueryInput } from './query.ts';
import {
  defaultColumns,
  moveColumn,
  queryFor,
  scopeListId,
  selectionFor,
  toggleColumn,
  viewChanged,
} from './query.ts';
import { useLeads } from './store.ts';
import { createLeadKeys, INITIAL_NAV, navReducer, selectedCount } from './table-nav.ts';
import { allIds, useLeadPages } from './useLeadPages.ts';
import { useDebounced } from './useDebounced.ts';

const SEARCH_DEBOUNCE_MS = 100;
const FILTER_DEBOUNCE_MS = 150;
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl';

export function LeadsArea() {
  const { me } = useSignedIn();
  const toast = useToast();
  const go = useNav((s) => s.go);
  const store = useLeads();
  const {
    init,
    fields,
    settings,
    members,
    views,
    lists,
    source,
    search,
    draft,
    built,
    filter,
    filterOpen,
    columns,
    sort,
    detailId,
  } = store;

  useEffect(() => init(me.workspace.id), [init, me.workspace.id]);

  // Views, lists and settings changed here, on another device or by replication.
  useEffect(() => {
    const { loadViews, loadLists, loadFields, loadSettings } = useLeads.getState();
    const offs = [
      engine.on('views:changed', () => void loadViews()),
      engine.on('lists:changed', () => void loadLists()),
      engine.on('leadSettings:changed', () => {
        void loadSettings();
        void loadFields();
      }),
      engine.onConnection((state) => {
        if (state !== 'open') return;
        const s = useLeads.getState();
        if (s.fields.error) void loadFields();
        if (s.views.error) void loadViews();
        if (s.lists.error) void loadLists();
        if (s.settings.error) void loadSettings();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, []);

  const searchApplied = useDebounced(search, SEARCH_DEBOUNCE_MS);
  const filterApplied = useDebounced(filter, FILTER_DEBOUNCE_MS);
  const query = useMemo(
    () =>
      fields.data
        ? queryFor(selectionFor(source, lists.data ?? [], filterApplied, searchApplied), sort)
        : null,
    [fields.data, source, lists.data, filterApplied, searchApplied, sort],
  );
  const { cache, refresh, version, key } = useLeadPages(query);
  const total = cache.total();
  const pageError = cache.error();

  const [nav, dispatch] = useReducer(navReducer, INITIAL_NAV);
  const [navKey, setNavKey] = useState(key);
  if (key !== navKey) {
    setNavKey(key);
    dispatch({ type: 'reset' });
  }

  const [paletteOpen, setPaletteOpen] = useState(false);
  const [newLeadOpen, setNewLeadOpen] = useState(false);
  const [saveOpen, setSaveOpen] = useState(false);
  const [duplicatesOpen, setDuplicatesOpen] = useState(false);
  const gridRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);

  const fieldList = useMemo(() => fields.data ?? [], [fields.data]);
  // Owner and team are choices among the members (the engine's field list cannot know names).
  const builderFields = useMemo(() => {
    const teams = [...new Set(members.map((m) => m.team).filter((t): t is string => !!t))];
    return fieldList.map((field) => {
      if (field.options) return field;
      if (field.key === 'ownerId')
        return { ...field, options: members.map((m) => ({ value: m.userId, label: m.name })) };
      if (field.key === 'team')
        return { ...field, options: teams.map((t) => ({ value: t, label: t })) };
      return field;
    });
  }, [fieldList, members]);
  const openView =
    source.kind === 'view' ? (views.data ?? []).find((v) => v.id === source.id) : undefined;
  const openList =
    source.kind === 'list' ? (lists.data ?? []).find((l) => l.id === source.id) : undefined;
  const display = useMemo(
    () => ({ members: new Map(members.map((m) => [m.userId, m.name])) }),
    [members],
  );
  const selected = selectedCount(nav.selection, total ?? 0);
  const bulkSelection: BulkSelection =
    nav.selection.mode === 'ids'
      ? { ids: [...nav.selection.ids] }
      : { selection: withoutSort(query), except: [...nav.selection.except] };
  const bulkMembers = useMemo(
    () => members.map((m) => ({ id: m.userId, name: m.name })),
    [members],
  );
  const staticLists = useMemo(
    () => (lists.data ?? []).filter((l) => l.kind === 'static'),
    [lists.data],
  );
  const onBulkDone = () => {
    dispatch({ type: 'clearSelection' });
    refresh();
  };
  const conditions = conditionCount(draft);

  // The keyboard, for the whole area (not while typing or while a dialog is open).
  const latest = useRef({ nav, total, cache, detailId });
  useEffect(() => {
    latest.current = { nav, total, cache, detailId };
  });
  useEffect(() => {
    const press = createLeadKeys();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const dialogOpen = document.querySelector('dialog[open]') !== null;
      const command = press({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        shiftKey: event.shiftKey,
        at: event.timeStamp,
        typing: isTypingTarget(event.target),
      });
      if (!command || dialogOpen) return;
      const { nav: state, total: count, cache: pages, detailId: open } = latest.current;
      const target = event.target as Element | null;
      const onControl =
        target?.closest?.('button, a, input, [role="menuitem"], [role="option"]') != null;
      const idAt = (index: number) => pages.row(index)?.id;
      switch (command.type) {
        case 'move':
          dispatch({
            type: 'move',
            delta: command.delta,
            total: count ?? 0,
            extend: command.extend,
            idAt,
          });
          if (!gridRef.current?.contains(document.activeElement))
            gridRef.current?.focus({ preventScroll: true });
          break;
        case 'open': {
          if (onControl) return;
          const id = state.cursor !== null ? idAt(state.cursor) : undefined;
          if (!id) return;
          useLeads.getState().openDetail(id);
          break;
        }
        case 'toggle':
          dispatch({ type: 'toggleCursor', idAt });
          break;
        case 'focusSearch':
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
        case 'palette':
          setPaletteOpen(true);
          break;
        case 'newLead':
          setNewLeadOpen(true);
          break;
        case 'selectAll':
          if (onControl) return;
          dispatch({ type: 'selectAll' });
          break;
        case 'escape':
          if (open) {
            useLeads.getState().openDetail(null);
            gridRef.current?.focus({ preventScroll: true });
          } else if (selectedCount(state.selection, count ?? 0) > 0)
            dispatch({ type: 'clearSelection' });
          else return;
          break;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  async function selectedIds(): Promise<string[] | null> {
    if (nav.selection.mode === 'ids') return [...nav.selection.ids];
    if (!query || total === null) return null;
    const result = await allIds(query, total);
    if (!result.ok) {
      toast(result.message, 'error');
      return null;
    }
    const except = nav.selection.except;
    return result.ids.filter((id) => !except.has(id));
  }

  async function removeFromList() {
    if (!openList) return;
    const ids = await selectedIds();
    if (!ids || ids.length === 0) return;
    const result = await engine.invoke('lists:removeLeads', { listId: openList.id, leadIds: ids });
    if (!result.ok) toast(errorMessage(result.error), 'error');
    else {
      toast(`Removed ${result.data.removed.toLocaleString()} from “${openList.name}”`, 'success');
      dispatch({ type: 'clearSelection' });
      refresh();
    }
  }

  const paletteItems = ((): (PaletteItem & { run: () => void })[] => {
    const s = useLeads.getState();
    const items: (PaletteItem & { run: () => void })[] = [
      {
        id: 'new-lead',
        label: 'New lead',
        group: 'Actions',
        shortcut: ['n'],
        run: () => setNewLeadOpen(true),
      },
      {
        id: 'search',
        label: 'Focus search',
        group: 'Actions',
        shortcut: ['/'],
        run: () => searchRef.current?.focus(),
      },
      {
        id: 'filter',
        label: filterOpen ? 'Hide the filter' : 'Show the filter',
        group: 'Actions',
        run: () => s.setFilterOpen(!filterOpen),
      },
      {
        id: 'clear-filter',
        label: 'Clear filter and search',
        group: 'Actions',
        run: () => {
          s.setDraft(emptyGroup());
          s.setSearch('');
        },
      },
      { id: 'save-view', label: 'Save view…', group: 'Actions', run: () => setSaveOpen(true) },
      {
        id: 'duplicates',
        label: 'Find duplicate leads',
        group: 'Actions',
        run: () => setDuplicatesOpen(true),
      },
      {
        id: 'select-all',
        label: 'Select all leads in view',
        group: 'Actions',
        shortcut: [MOD, 'A'],
        run: () => dispatch({ type: 'selectAll' }),
      },
      {
        id: 'clear-selection',
        label: 'Clear selection',
        group: 'Actions',
        run: () => dispatch({ type: 'clearSelection' }),
      },
      { id: 'all-leads', label: 'All leads', group: 'Views', run: () => s.showAll() },
      ...(views.data ?? []).map((view) => ({
        id: `view-${view.id}`,
        label: `Run view: ${view.name}`,
        group: 'Views',
        run: () => useLeads.getState().openView(view),
      })),
      ...(lists.data ?? []).map((list) => ({
        id: `list-${list.id}`,
        label: `Open list: ${list.name}`,
        group: 'Lists',
        run: () => useLeads.getState().openList(list),
      })),
      ...AREAS.map((area) => ({
        id: `go-${area.id}`,
        label: `Go to ${area.label}`,
        group: 'Go to',
        shortcut: ['g', area.key],
        run: () => go(area.id),
      })),
      ...fieldList.map((field) => {
        const shown = columns.some((c) => c.field === field.key);
        return {
          id: `column-${field.key}`,
          label: `${shown ? 'Hide' : 'Show'} column: ${field.label}`,
          group: 'Columns',
          run: () =>
            useLeads.getState().setColumns(toggleColumn(useLeads.getState().columns, field.key)),
        };
      }),
    ];
    return items;
  })();

  const sourceName = openView?.name ?? openList?.name ?? 'All leads';
  const nothingAsked = source.kind === 'all' && !filterApplied && searchApplied.trim() === '';
  const changedView =
    openView && fields.data ? viewChanged(openView, filter, columns, sort, search) : false;

  let body;
  if (duplicatesOpen) {
    body = (
      <div className="leads-duplicates">
        <Button
          size="sm"
          variant="ghost"
          icon={<Icon name="arrow-left" size={14} />}
          onClick={() => setDuplicatesOpen(false)}
        >
          Back to the leads
        </Button>
        <DuplicatesScreen
          role={me.role}
          members={bulkMembers}
          onOpenLead={(id) => store.openDetail(id)}
          onDone={refresh}
        />
      </div>
    );
  } else if (fields.error && !fields.data) {
    body = (
      <div className="leads-message">
        <Alert>Leads cannot be shown: {fields.error}</Alert>
        <Button size="sm" onClick={() => void useLeads.getState().loadFields()}>
          Try again
        </Button>
      </div>
    );
  } else if (total === 0 && nothingAsked && !pageError) {
    body = (
      <EmptyState
        icon="leads"
        title="No leads yet"
        text="Add your first lead. Leads your team adds on other devices, or imports, show up here as soon as they sync."
        action={
          <Button
            variant="primary"
            icon={<Icon name="plus" size={15} />}
            onClick={() => setNewLeadOpen(true)}
          >
            New lead <Kbd>n</Kbd>
          </Button>
        }
      />
    );
  } else if (total === 0 && !pageError) {
    body = (
      <EmptyState
        icon="search"
        title="No leads match"
        text={`Nothing in ${sourceName} matches ${searchApplied.trim() ? `“${searchApplied.trim()}”` : 'the filter'}.`}
        action={
          <Button
            onClick={() => {
              store.setDraft(emptyGroup());
              store.setSearch('');
            }}
          >
            Clear filter and search
          </Button>
        }
      />
    );
  } else {
    body = (
      <>
        {pageError ? (
          <div className="leads-message">
            <Alert>{pageError}</Alert>
            <Button size="sm" onClick={refresh}>
              Try again
            </Button>
          </div>
        ) : null}
        <LeadTable
          fields={fieldList}
          columns={columns}
          sort={sort}
          onColumns={store.setColumns}
          onSort={store.setSort}
          cache={cache}
          version={version}
          nav={nav}
          dispatch={dispatch}
          onOpen={(id) => store.openDetail(id)}
          display={display}
          gridRef={gridRef}
          openId={detailId}
        />
      </>
    );
  }

  return (
    <div className={detailId ? 'leads leads--detail' : 'leads'}>
      <LeadsSidebar source={source} filter={filterApplied ?? undefined} onShowAll={store.showAll} />
      <section className="leads-main" aria-labelledby="leads-title">
        <header className="leads-head">
          <div>
            <h1 id="leads-title" className="leads-head__title">
              Leads
            </h1>
            <p className="leads-head__sub" aria-live="polite">
              {sourceName}
              {total !== null
                ? ` · ${total.toLocaleString()} ${total === 1 ? 'lead' : 'leads'}`
                : ''}
              {openList ? ` · ${openList.kind === 'dynamic' ? 'dynamic list' : 'list'}` : ''}
            </p>
          </div>
          <div className="leads-head__actions">
            <Button
              variant="ghost"
              size="sm"
              icon={<Icon name="users" size={14} />}
              aria-pressed={duplicatesOpen}
              onClick={() => setDuplicatesOpen(!duplicatesOpen)}
            >
              Duplicates
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setPaletteOpen(true)}>
              <Icon name="command" size={14} /> Commands <Kbd>{MOD}</Kbd>
              <Kbd>K</Kbd>
            </Button>
            <Button
              variant="primary"
              icon={<Icon name="plus" size={15} />}
              onClick={() => setNewLeadOpen(true)}
            >
              New lead
            </Button>
          </div>
        </header>

        {duplicatesOpen ? null : (
          <>
            <div className="leads-toolbar" role="toolbar" aria-label="Table tools">
              <div className="leads-search">
                <Icon name="search" size={15} />
                <input
                  ref={searchRef}
                  type="search"
                  className="leads-search__input"
                  aria-label="Search leads"
                  placeholder="Search names, email, phone, company, notes"
                  value={search}
                  maxLength={200}
                  onChange={(event) => store.setSearch(event.target.value)}
                  onKeyDown={(event) => {
                    if (event.key === 'Escape') {
                      if (search) store.setSearch('');
                      else event.currentTarget.blur();
                    } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
                      event.preventDefault();
                      gridRef.current?.focus();
                      dispatch({ type: 'moveTo', index: 0, total: total ?? 0 });
                    }
                  }}
                />
                <Kbd>/</Kbd>
              </div>
              <Button
                size="sm"
                variant={filterOpen || conditions > 0 ? 'secondary' : 'ghost'}
                aria-expanded={filterOpen}
                aria-controls="leads-filter"
                icon={<Icon name="filter" size={14} />}
                onClick={() => store.setFilterOpen(!filterOpen)}
              >
                Filter{conditions > 0 ? ` · ${conditions}` : ''}
              </Button>
              <Popover
                label="Columns"
                trigger={
                  <>
                    <Icon name="columns" size={14} /> Columns
                  </>
                }
                triggerClassName="ui-button ui-button--ghost ui-button--sm"
              >
                <ColumnMenu />
              </Popover>
              <span className="leads-toolbar__spacer" />
              {changedView ? <span className="leads-toolbar__note">View changed</span> : null}
              <Button
                size="sm"
                icon={<Icon name="star" size={14} />}
                onClick={() => setSaveOpen(true)}
                disabled={!built.ok}
              >
                Save view
              </Button>
            </div>

            {filterOpen && fields.data ? (
              <div id="leads-filter">
                <FilterBuilder
                  fields={builderFields}
                  draft={draft}
                  onChange={store.setDraft}
                  result={built}
                />
              </div>
            ) : null}

            {selected > 0 &&
            ((nav.selection.mode === 'ids' && total !== null && selected < total) ||
              openList?.kind === 'static') ? (
              <div className="leads-selection" role="region" aria-label="Selection">
                {nav.selection.mode === 'ids' && total !== null && selected < total ? (
                  <Button size="sm" variant="ghost" onClick={() => dispatch({ type: 'selectAll' })}>
                    Select all {total.toLocaleString()} in this view
                  </Button>
                ) : null}
                {openList?.kind === 'static' ? (
                  <Button size="sm" variant="ghost" onClick={() => void removeFromList()}>
                    Remove from “{openList.name}”
                  </Button>
                ) : null}
              </div>
            ) : null}
          </>
        )}
        {/* Always mounted: a job's progress and result (with Undo) outlive the selection. */}
        <BulkBar
          selection={bulkSelection}
          count={selected}
          role={me.role}
          members={bulkMembers}
          stages={settings.data?.pipeline.stages ?? []}
          lists={staticLists}
          onDone={onBulkDone}
          onClear={() => dispatch({ type: 'clearSelection' })}
        />

        <div className="leads-body">{body}</div>
      </section>

      {detailId ? (
        <LeadDetail key={detailId} id={detailId} onClose={() => store.openDetail(null)} />
      ) : null}

      <CommandPalette
        open={paletteOpen}
        onClose={() => setPaletteOpen(false)}
        items={paletteItems}
        filter={(q, items) => matchCommands(q, items)}
        onRun={(id) => paletteItems.find((item) => item.id === id)?.run()}
        placeholder="Go to, run a view, new lead, toggle a column…"
      />
      <NewLeadDialog
        open={newLeadOpen}
        onClose={() => setNewLeadOpen(false)}
        onCreated={(lead) => {
          setNewLeadOpen(false);
          toast('Lead created', 'success');
          store.openDetail(lead.id);
        }}
      />
      <SaveViewDialog
        open={saveOpen}
        onClose={() => setSaveOpen(false)}
        draft={{
          filter: built.ok ? built.filter : filter,
          columns,
          sort,
          search,
          listId: scopeListId(source),
        }}
        existing={openView ?? null}
        onSaved={(view) => {
          setSaveOpen(false);
          toast(`Saved the view “${view.name}”`, 'success');
          void useLeads
            .getState()
            .loadViews()
            .then(() => useLeads.getState().openView(view));
        }}
      />
    </div>
  );
}

/** Choose, order and reset the table's columns. */
function ColumnMenu() {
  const fields = useLeads((s) => s.fields.data) ?? [];
  const columns = useLeads((s) => s.columns);
  const setColumns = useLeads((s) => s.setColumns);
  const shown = new Map(columns.map((c, index) => [c.field, index]));
  const ordered = [
    ...columns.map((c) => fields.find((f) => f.key === c.field)).filter((f) => f !== undefined),
    ...fields.filter((f) => !shown.has(f.key)),
  ];
  return (
    <div className="column-menu">
      <p className="column-menu__hint">
        Tick the columns to show; drag headers or use the arrows to order them.
      </p>
      <ul className="column-menu__list" aria-label="Columns">
        {ordered.map((field) => {
          const index = shown.get(field.key);
          return (
            <li key={field.key} className="column-menu__item">
              <Checkbox
                label={field.label}
                checked={index !== undefined}
                disabled={index !== undefined && columns.length === 1}
                onChange={() => setColumns(toggleColumn(columns, field.key))}
              />
              {index !== undefined ? (
                <span className="column-menu__moves">
                  <button
                    type="button"
                    className="column-menu__move"
                    aria-label={`Move ${field.label} left`}
                    disabled={index === 0}
                    onClick={() => setColumns(moveColumn(columns, field.key, -1))}
                  >
                    <Icon name="arrow-left" size={13} />
                  </button>
                  <button
                    type="button"
                    className="column-menu__move"
                    aria-label={`Move ${field.label} right`}
                    disabled={index === columns.length - 1}
                    onClick={() => setColumns(moveColumn(columns, field.key, 1))}
                  >
                    <Icon name="arrow-right" size={13} />
                  </button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Button size="sm" variant="ghost" onClick={() => setColumns(defaultColumns(fields))}>
        Reset columns
      </Button>
    </div>
  );
}

/** The selection part of a query (what bulk jobs run on). */
function withoutSort(query: LeadQueryInput | null): Partial<LeadSelection> {
  if (!query) return {};
  const { sort: _sort, ...selection } = query;
  // The filter is a FilterNode built here; the input type only says `unknown` (a lazy schema).
  return selection as Partial<LeadSelection>;
}
