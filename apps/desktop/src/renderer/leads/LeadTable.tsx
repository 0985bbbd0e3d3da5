/**
 * The lead table: TanStack Table for the columns (order, visibility, widths, resizing, sorting
 * state) and TanStack Virtual for the rows. The table only ever holds the rows on screen: the
 * virtualizer spans the query's full count (`leads:count`), and each visible index reads its row
 * from the page cache, which fetches the pages around the viewport. Rows not loaded yet are
 * skeletons.
 *
 * An ARIA grid: the grid takes focus, `aria-activedescendant` follows the keyboard cursor,
 * `aria-rowcount` is the full count and every row carries its `aria-rowindex`.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { DragEvent, KeyboardEvent, MouseEvent, RefObject } from 'react';
import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import type { ColumnDef, Updater } from '@tanstack/react-table';
import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import type { Virtualizer } from '@tanstack/react-virtual';
import { Checkbox, Icon, Skeleton } from '@sdr/ui';
import type { LeadDto, LeadFieldInfo, SortKey, ViewColumn } from '../../shared/contract.ts';
import { displayValue, DEFAULT_WIDTHS, fullName, leadValue } from './lead-values.ts';
import type { DisplayContext } from './lead-values.ts';
import type { PageCache } from './page-cache.ts';
import { dropColumn } from './query.ts';
import type { LeadQueryInput } from './query.ts';
import { isSelected, selectedCount } from './table-nav.ts';
import { itemTop, scrollScale } from './virtual-scale.ts';
import type { NavAction, NavState } from './table-nav.ts';

const features = tableFeatures({
  columnOrderingFeature,
  columnVisibilityFeature,
  columnSizingFeature,
  columnResizingFeature,
  rowSortingFeature,
});
type Features = typeof features;
type Row = { index: number; lead: LeadDto | undefined };

export const ROW_HEIGHT = 36;
/** The sticky header row (34 px) and its bottom border, inside the scroll container. */
const HEADER_HEIGHT = 35;
const SELECT_WIDTH = 44;
const MIN_WIDTH = 60;
const MAX_WIDTH = 1000;
/** Skeleton rows while the count is unknown. */
const PLACEHOLDER_ROWS = 12;

export function rowDomId(index: number): string {
  return `lead-row-${index}`;
}

/** The scroll compression for the virtualizer's current count and viewport. */
function scaleOf(instance: Virtualizer<HTMLDivElement, Element>) {
  return scrollScale(instance.getTotalSize(), instance.scrollRect?.height ?? 0, HEADER_HEIGHT)
    .factor;
}

function resolve<T>(updater: Updater<T>, old: T): T {
  return typeof updater === 'function' ? (updater as (old: T) => T)(old) : updater;
}

export type LeadTableProps = {
  fields: readonly LeadFieldInfo[];
  columns: readonly ViewColumn[];
  sort: readonly SortKey[];
  onColumns: (columns: ViewColumn[]) => void;
  onSort: (sort: SortKey[]) => void;
  cache: PageCache<LeadQueryInput, LeadDto>;
  /** The cache's version: a new one re-reads the rows. */
  version: number;
  nav: NavState;
  dispatch: (action: NavAction) => void;
  onOpen: (id: string) => void;
  display: DisplayContext;
  gridRef: RefObject<HTMLDivElement | null>;
  /** The lead open in the detail panel (highlighted). */
  openId: string | null;
};

export function LeadTable({
  fields,
  columns,
  sort,
  onColumns,
  onSort,
  cache,
  version,
  nav,
  dispatch,
  onOpen,
  display,
  gridRef,
  openId,
}: LeadTableProps) {
  const total = cache.total();
  const cacheKey = cache.key;
  const byKey = useMemo(() => new Map(fields.map((f) => [f.key, f])), [fields]);
  const resizing = useRef(false);
  const dragged = useRef<string | null>(null);

  const columnDefs = useMemo<ColumnDef<Features, Row, unknown>[]>(
    () =>
      fields.map((field) => ({
        id: field.key,
        accessorFn: (row: Row) => (row.lead ? leadValue(row.lead, field.key) : undefined),
        header: field.label,
        enableSorting: field.sortable,
        size: DEFAULT_WIDTHS[field.key] ?? 160,
        minSize: MIN_WIDTH,
        maxSize: MAX_WIDTH,
      })),
    [fields],
  );

  const state = useMemo(() => {
    const shown = new Set(columns.map((c) => c.field));
    return {
      columnOrder: [
        ...columns.map((c) => c.field),
        ...fields.filter((f) => !shown.has(f.key)).map((f) => f.key),
      ],
      columnVisibility: Object.fromEntries(fields.map((f) => [f.key, shown.has(f.key)])),
      columnSizing: Object.fromEntries(
        columns.map((c) => [c.field, c.width ?? DEFAULT_WIDTHS[c.field] ?? 160]),
      ),
      sorting: sort.map((s) => ({ id: s.field, desc: s.dir === 'desc' })),
    };
  }, [columns, fields, sort]);

  const count = total ?? PLACEHOLDER_ROWS;
  // The app does not use the React Compiler; TanStack Virtual re-renders through its own state.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => gridRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Rows under the sticky header are hidden: "scroll into view" keeps clear of it.
    scrollPaddingEnd: HEADER_HEIGHT,
    // Past what a browser can scroll, the real scroll range is compressed (virtual-scale.ts).
    observeElementOffset: (instance, cb) =>
      observeElementOffset(instance, (offset, scrolling) =>
        cb(offset * scaleOf(instance), scrolling),
      ),
    scrollToFn: (offset, options, instance) => {
      const factor = scaleOf(instance);
      elementScroll(
        offset / factor,
        { ...options, adjustments: (options.adjustments ?? 0) / factor },
        instance,
      );
    },
  });
  const scale = scrollScale(
    virtualizer.getTotalSize(),
    virtualizer.scrollRect?.height ?? 0,
    HEADER_HEIGHT,
  );
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  // Rows on screen, read from the cache; `version` says when it has new ones.
  const windowRows = useMemo(() => {
    void version;
    return items.map((item) => ({
      index: item.index,
      lead: total === null ? undefined : cache.row(item.index),
    }));
  }, [items, cache, version, total]);

  const table = useTable({
    features,
    columns: columnDefs,
    data: windowRows,
    getRowId: (row) => `${row.index}`,
    state,
    manualSorting: true,
    enableMultiSort: true,
    maxMultiSortColCount: 3,
    isMultiSortEvent: (event) => (event as MouseEvent).shiftKey === true,
    columnResizeMode: 'onChange',
    onSortingChange: (updater) => {
      const next = resolve(updater, state.sorting);
      onSort(next.map((s) => ({ field: s.id, dir: s.desc ? 'desc' : 'asc' })));
    },
    onColumnSizingChange: (updater) => {
      const next = resolve(updater, state.columnSizing);
      onColumns(
        columns.map((c) => {
          const width = next[c.field];
          return width === undefined
            ? c
            : { ...c, width: Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width))) };
        }),
      );
    },
  });

  // Fetch the pages on screen (and drop far ones) whenever the window or the query changes.
  useEffect(() => {
    if (cacheKey === null) return;
    cache.ensure(first, Math.max(last, first + 30));
  }, [cache, cacheKey, first, last]);

  // A new query starts at the top.
  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [cacheKey, virtualizer]);

  // The keyboard cursor stays on screen.
  useEffect(() => {
    if (nav.cursor !== null) virtualizer.scrollToIndex(nav.cursor, { align: 'auto' });
  }, [nav.cursor, virtualizer]);

  const headerGroup = table.getHeaderGroups()[0];
  const headers = headerGroup?.headers ?? [];
  const totalWidth = SELECT_WIDTH + table.getTotalSize();
  const rows = table.getRowModel().rows;
  const idAt = (index: number) => cache.row(index)?.id;
  const selected = selectedCount(nav.selection, total ?? 0);
  const allSelected = total !== null && total > 0 && selected === total;

  function onHeaderKey(event: KeyboardEvent<HTMLDivElement>, field: string, size: number) {
    const by = event.key === 'ArrowLeft' ? -16 : event.key === 'ArrowRight' ? 16 : 0;
    if (by === 0) return;
    event.preventDefault();
    const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, size + by));
    onColumns(columns.map((c) => (c.field === field ? { ...c, width } : c)));
  }

  function onDrop(event: DragEvent<HTMLDivElement>, onto: string) {
    event.preventDefault();
    const field = dragged.current;
    dragged.current = null;
    if (field && field !== onto) onColumns(dropColumn(columns, field, onto));
  }

  return (
    <div
      ref={gridRef}
      className="lead-grid"
      role="grid"
      aria-label="Leads"
      aria-rowcount={total === null ? -1 : total + 1}
      aria-colcount={headers.length + 1}
      aria-multiselectable="true"
      aria-busy={total === null || undefined}
      aria-activedescendant={nav.cursor !== null ? rowDomId(nav.cursor) : undefined}
      tabIndex={0}
    >
      <div role="rowgroup" className="lead-grid__head" style={{ width: totalWidth }}>
        <div role="row" aria-rowindex={1} className="lead-grid__row lead-grid__row--head">
          <div role="columnheader" className="lead-grid__cell lead-grid__select">
            <Checkbox
              hideLabel
              label="Select all leads in view"
              checked={allSelected}
              indeterminate={selected > 0 && !allSelected}
              disabled={!total}
              onChange={() => dispatch({ type: allSelected ? 'clearSelection' : 'selectAll' })}
            />
          </div>
          {headers.map((header) => {
            const column = header.column;
            const field = byKey.get(column.id);
            const label = field?.label ?? column.id;
            const sorted = column.getIsSorted();
            const sortIndex = column.getSortIndex();
            const size = header.getSize();
            const onResize = header.getResizeHandler();
            return (
              <div
                key={header.id}
                role="columnheader"
                aria-sort={
                  sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                }
                className="lead-grid__cell lead-grid__th"
                style={{ width: size }}
                draggable
                onDragStart={(event) => {
                  if (resizing.current) {
                    event.preventDefault();
                    return;
                  }
                  dragged.current = column.id;
                  event.dataTransfer.effectAllowed = 'move';
                  event.dataTransfer.setData('text/plain', label);
                }}
                onDragOver={(event) => {
                  if (dragged.current) event.preventDefault();
                }}
                onDrop={(event) => onDrop(event, column.id)}
              >
                <button
                  type="button"
                  className="lead-grid__sort"
                  disabled={!column.getCanSort()}
                  title={column.getCanSort() ? 'Sort (Shift-click adds a second key)' : undefined}
                  onClick={column.getToggleSortingHandler()}
                >
                  <span className="lead-grid__label">{label}</span>
                  {sorted ? (
                    <span className="lead-grid__sort-mark">
                      <Icon
                        name={sorted === 'asc' ? 'arrow-up' : 'arrow-down'}
                        size={13}
                        aria-label={sorted === 'asc' ? 'ascending' : 'descending'}
                      />
                      {sort.length > 1 ? <span>{sortIndex + 1}</span> : null}
                    </span>
                  ) : null}
                </button>
                <div
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${label}`}
                  aria-valuenow={size}
                  aria-valuemin={MIN_WIDTH}
                  aria-valuemax={MAX_WIDTH}
                  tabIndex={0}
                  className={
                    column.getIsResizing()
                      ? 'lead-grid__resize lead-grid__resize--active'
                      : 'lead-grid__resize'
                  }
                  onMouseDown={(event) => {
                    resizing.current = true;
                    window.addEventListener('mouseup', () => (resizing.current = false), {
                      once: true,
                    });
                    onResize(event);
                  }}
                  onTouchStart={onResize}
                  onKeyDown={(event) => onHeaderKey(event, column.id, size)}
                  onClick={(event) => event.stopPropagation()}
                />
              </div>
            );
          })}
        </div>
      </div>
      <div
        role="rowgroup"
        className="lead-grid__body"
        style={{ height: scale.spacerPx, width: totalWidth }}
      >
        {rows.map((row, i) => {
          const item = items[i];
          if (!item) return null;
          const lead = row.original.lead;
          const index = row.original.index;
          const chosen = lead ? isSelected(nav.selection, lead.id) : false;
          const classes = ['lead-grid__row'];
          if (index === nav.cursor) classes.push('lead-grid__row--cursor');
          if (chosen) classes.push('lead-grid__row--selected');
          if (lead && lead.id === openId) classes.push('lead-grid__row--open');
          return (
            <div
              key={row.id}
              id={rowDomId(index)}
              role="row"
              aria-rowindex={index + 2}
              aria-selected={chosen}
              className={classes.join(' ')}
              style={{
                transform: `translateY(${itemTop(item.start, virtualOffset, scale.factor)}px)`,
                height: ROW_HEIGHT,
              }}
              onMouseDown={(event) => {
                // Shift-click selects rows, not text.
                if (event.shiftKey) event.preventDefault();
              }}
              onClick={(event) => {
                if (!lead) return;
                const toggle = event.metaKey || event.ctrlKey;
                dispatch({
                  type: 'click',
                  index,
                  id: lead.id,
                  range: event.shiftKey,
                  toggle,
                  idAt,
                });
                if (!toggle && !event.shiftKey) onOpen(lead.id);
              }}
            >
              <div role="gridcell" className="lead-grid__cell lead-grid__select">
                {lead ? (
                  <input
                    type="checkbox"
                    className="ui-checkbox__input"
                    aria-label={`Select ${fullName(lead)}`}
                    checked={chosen}
                    readOnly
                    onClick={(event) => {
                      event.stopPropagation();
                      dispatch({
                        type: 'click',
                        index,
                        id: lead.id,
                        range: event.shiftKey,
                        toggle: true,
                        idAt,
                      });
                    }}
                  />
                ) : null}
              </div>
              {row.getVisibleCells().map((cell) => {
                const field = byKey.get(cell.column.id);
                const width = cell.column.getSize();
                let content;
                if (!lead) content = <Skeleton width={Math.max(24, Math.min(width - 40, 120))} />;
                else if (field?.type === 'tags' && Array.isArray(cell.getValue())) {
                  content = (cell.getValue() as string[]).map((tag) => (
                    <span key={tag} className="lead-grid__tag">
                      {tag}
                    </span>
                  ));
                } else content = field ? displayValue(cell.getValue(), field, display) : '';
                return (
                  <div key={cell.id} role="gridcell" className="lead-grid__cell" style={{ width }}>
                    {content}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
