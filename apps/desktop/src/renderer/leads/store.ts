/**
 * The Leads area's state (zustand): the engine's field list, lead settings, members, saved views
 * and lists, and what is on screen — the open view or list, the filter builder's model, the
 * search text, columns and sort, the lead in the detail panel. The lead rows themselves live in
 * the page cache (`useLeadPages`), never here.
 */
import { create } from 'zustand';
import type { MemberDto } from '@sdr/schema';
import type {
  LeadFieldInfo,
  LeadListDto,
  OutputOf,
  SavedViewDto,
  SortKey,
  ViewColumn,
} from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { emptyGroup, fromFilter, toFilter } from './filter-model.ts';
import type { BuildResult, GroupDraft } from './filter-model.ts';
import type { FilterNode } from '@sdr/domain';
import { defaultColumns, DEFAULT_SORT, knownColumns, knownSort } from './query.ts';
import type { Source } from './query.ts';

export type LeadSettings = OutputOf<'leadSettings:get'>;

type Loadable<T> = { data: T | null; error: string | null };

export type LeadsStore = {
  workspaceId: string | null;
  fields: Loadable<LeadFieldInfo[]>;
  settings: Loadable<LeadSettings>;
  members: MemberDto[];
  views: Loadable<SavedViewDto[]>;
  lists: Loadable<LeadListDto[]>;

  source: Source;
  /** What is typed in the search box (the query gets it debounced). */
  search: string;
  draft: GroupDraft;
  /** The draft checked against the fields (errors per condition). */
  built: BuildResult;
  /** The last valid filter of the draft: what the table shows while the draft has errors. */
  filter: FilterNode | undefined;
  filterOpen: boolean;
  columns: ViewColumn[];
  sort: SortKey[];
  detailId: string | null;

  /** Loads everything for a workspace (again only when the workspace changes). */
  init: (workspaceId: string) => void;
  loadFields: () => Promise<void>;
  loadSettings: () => Promise<void>;
  loadMembers: () => Promise<void>;
  loadViews: () => Promise<void>;
  loadLists: () => Promise<void>;

  setSearch: (search: string) => void;
  setDraft: (draft: GroupDraft) => void;
  setFilterOpen: (open: boolean) => void;
  setColumns: (columns: ViewColumn[]) => void;
  setSort: (sort: SortKey[]) => void;
  showAll: () => void;
  openView: (view: SavedViewDto) => void;
  openList: (list: LeadListDto) => void;
  openDetail: (id: string | null) => void;
};

const LAYOUT_KEY = 'sdr.leads.layout.';

type Layout = { columns: ViewColumn[]; sort: SortKey[] };

function readLayout(workspaceId: string): Layout | null {
  try {
    const raw = window.localStorage.getItem(LAYOUT_KEY + workspaceId);
    if (!raw) return null;
    const layout = JSON.parse(raw) as Partial<Layout>;
    if (!Array.isArray(layout.columns) || !Array.isArray(layout.sort)) return null;
    return { columns: layout.columns, sort: layout.sort };
  } catch {
    return null;
  }
}

function writeLayout(workspaceId: string | null, layout: Layout): void {
  if (!workspaceId) return;
  try {
    window.localStorage.setItem(LAYOUT_KEY + workspaceId, JSON.stringify(layout));
  } catch {
    // Storage full or disabled: the layout is just not remembered.
  }
}

const EMPTY = { data: null, error: null };
const NOTHING_BUILT: BuildResult = { filter: undefined, ok: true, errors: {}, warnings: {} };

/** The store's draft, its check and the filter it applies. */
function withDraft(
  draft: GroupDraft,
  fields: readonly LeadFieldInfo[] | null,
  previous: FilterNode | undefined,
) {
  if (!fields) return { draft, built: NOTHING_BUILT, filter: previous };
  const built = toFilter(draft, fields);
  return { draft, built, filter: built.ok ? built.filter : previous };
}

export const useLeads = create<LeadsStore>((set, get) => {
  /** Remember the "All leads" layout per workspace. */
  function remember() {
    const { source, columns, sort, workspaceId } = get();
    if (source.kind === 'all') writeLayout(workspaceId, { columns, sort });
  }

  return {
    workspaceId: null,
    fields: EMPTY,
    settings: EMPTY,
    members: [],
    views: EMPTY,
    lists: EMPTY,
    source: { kind: 'all' },
    search: '',
    draft: emptyGroup(),
    built: NOTHING_BUILT,
    filter: undefined,
    filterOpen: false,
    columns: [],
    sort: DEFAULT_SORT,
    detailId: null,

    init(workspaceId) {
      if (get().workspaceId === workspaceId) return;
      const layout = readLayout(workspaceId);
      set({
        workspaceId,
        fields: EMPTY,
        settings: EMPTY,
        members: [],
        views: EMPTY,
        lists: EMPTY,
        source: { kind: 'all' },
        search: '',
        draft: emptyGroup(),
        built: NOTHING_BUILT,
        filter: undefined,
        filterOpen: false,
        columns: layout?.columns ?? [],
        sort: layout?.sort ?? DEFAULT_SORT,
        detailId: null,
      });
      const { loadFields, loadSettings, loadMembers, loadViews, loadLists } = get();
      void Promise.all([loadFields(), loadSettings(), loadMembers(), loadViews(), loadLists()]);
    },

    async loadFields() {
      const workspaceId = get().workspaceId;
      const result = await engine.invoke('leads:fields', {});
      if (get().workspaceId !== workspaceId) return;
      if (!result.ok) {
        set({ fields: { data: get().fields.data, error: errorMessage(result.error) } });
        return;
      }
      const fields = result.data;
      const { columns, sort, draft, filter } = get();
      set({
        ...withDraft(draft, fields, filter),
        fields: { data: fields, error: null },
        columns: columns.length > 0 ? knownColumns(columns, fields) : defaultColumns(fields),
        sort: knownSort(sort, fields),
      });
    },

    async loadSettings() {
      const workspaceId = get().workspaceId;
      const result = await engine.invoke('leadSettings:get', {});
      if (get().workspaceId !== workspaceId) return;
      set({
        settings: result.ok
          ? { data: result.data, error: null }
          : { data: get().settings.data, error: errorMessage(result.error) },
      });
    },

    async loadMembers() {
      const workspaceId = get().workspaceId;
      const result = await engine.invoke('members:list', {});
      if (get().workspaceId !== workspaceId) return;
      // Offline, the owner picker shows ids it cannot name; nothing else depends on members.
      if (result.ok) set({ members: result.data });
    },

    async loadViews() {
      const workspaceId = get().workspaceId;
      const result = await engine.invoke('views:list', {});
      if (get().workspaceId !== workspaceId) return;
      set({
        views: result.ok
          ? { data: result.data, error: null }
          : { data: get().views.data, error: errorMessage(result.error) },
      });
      // The open view was deleted (here or elsewhere): back to all leads.
      const { source } = get();
      if (result.ok && source.kind === 'view' && !result.data.some((v) => v.id === source.id)) {
        set({ source: { kind: 'all' } });
      }
    },

    async loadLists() {
      const workspaceId = get().workspaceId;
      const result = await engine.invoke('lists:list', {});
      if (get().workspaceId !== workspaceId) return;
      set({
        lists: result.ok
          ? { data: result.data, error: null }
          : { data: get().lists.data, error: errorMessage(result.error) },
      });
      const { source } = get();
      if (result.ok && source.kind === 'list' && !result.data.some((l) => l.id === source.id)) {
        set({ source: { kind: 'all' } });
      }
    },

    setSearch: (search) => set({ search }),
    setDraft: (draft) => set(withDraft(draft, get().fields.data, get().filter)),
    setFilterOpen: (filterOpen) => set({ filterOpen }),
    setColumns(columns) {
      set({ columns });
      remember();
    },
    setSort(sort) {
      set({ sort: sort.slice(0, 3) });
      remember();
    },
    showAll() {
      const layout = get().workspaceId ? readLayout(get().workspaceId ?? '') : null;
      const fields = get().fields.data ?? [];
      set({
        source: { kind: 'all' },
        ...withDraft(emptyGroup(), get().fields.data, undefined),
        columns: layout ? knownColumns(layout.columns, fields) : defaultColumns(fields),
        sort: layout ? knownSort(layout.sort, fields) : DEFAULT_SORT,
      });
    },
    openView(view) {
      const fields = get().fields.data ?? [];
      const draft = fromFilter(view.filter, fields);
      set({
        source: { kind: 'view', id: view.id, listId: view.listId },
        search: view.search,
        ...withDraft(draft, get().fields.data, view.filter),
        columns: knownColumns(view.columns, fields),
        sort: knownSort(view.sort, fields),
      });
    },
    openList(list) {
      set({
        source: { kind: 'list', id: list.id },
        ...withDraft(emptyGroup(), get().fields.data, undefined),
      });
    },
    openDetail: (detailId) => set({ detailId }),
  };
});
