/**
 * Pages of a long list fetched around the viewport, never the whole list: the lead table's data
 * source over `leads:query` and `leads:count`. Pages are cached per query key (switching back to a
 * view is instant), pages far from the viewport are dropped, at most a few requests run at once
 * (a fling past half a million rows does not queue a request for every page it crossed), and
 * answers that arrive after the query changed or after a refresh are ignored.
 *
 * Pure TypeScript with the fetchers injected, so it is tested in Node.
 */

export type Fetched<T> = { ok: true; data: T } | { ok: false; message: string };

export interface PageCacheOptions<Q, T> {
  /** One page of the query: rows `offset .. offset + limit - 1`. */
  fetchPage: (query: Q, offset: number, limit: number) => Promise<Fetched<T[]>>;
  /** How many rows the query has. */
  fetchCount: (query: Q) => Promise<Fetched<number>>;
  /** Called after every change a reader may want to render. */
  onChange?: () => void;
  pageSize?: number;
  /** Pages kept on each side of the window before they are dropped. */
  keepAround?: number;
  /** Pages fetched ahead on each side of the window. */
  prefetch?: number;
  /** Pages kept over all query keys (least recently used keys go first). */
  maxPages?: number;
  /** Requests in flight at once. */
  maxInFlight?: number;
}

type Page<T> = {
  items: T[] | null;
  /** Token of the request whose answer this page waits for; null when none is wanted. */
  want: number | null;
  /** True while `want`'s request is sent (not just queued). */
  sent: boolean;
  error: string | null;
};

type Entry<Q, T> = {
  query: Q;
  pages: Map<number, Page<T>>;
  total: number | null;
  countWant: number | null;
  countError: string | null;
};

export class PageCache<Q, T> {
  readonly pageSize: number;
  private readonly keepAround: number;
  private readonly prefetch: number;
  private readonly maxPages: number;
  private readonly maxInFlight: number;
  /** Insertion order is recency: the current key is always last. */
  private readonly entries = new Map<string, Entry<Q, T>>();
  private currentKey: string | null = null;
  private window: { first: number; last: number } | null = null;
  private nextToken = 1;
  private inFlight = 0;
  private readonly queue: { key: string; page: number; token: number }[] = [];
  private changeCount = 0;

  constructor(private readonly options: PageCacheOptions<Q, T>) {
    this.pageSize = options.pageSize ?? 100;
    this.keepAround = options.keepAround ?? 3;
    this.prefetch = options.prefetch ?? 1;
    this.maxPages = options.maxPages ?? 60;
    this.maxInFlight = options.maxInFlight ?? 3;
  }

  /** Increases on every change (for `useSyncExternalStore`). */
  get version(): number {
    return this.changeCount;
  }

  get key(): string | null {
    return this.currentKey;
  }

  /** Shows `query` (identified by `key`); its count is fetched if unknown. */
  setQuery(key: string, query: Q): void {
    if (key === this.currentKey) return;
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else entry = { query, pages: new Map(), total: null, countWant: null, countError: null };
    this.entries.set(key, entry);
    this.currentKey = key;
    this.window = null;
    if (entry.total === null && entry.countWant === null) this.loadCount(key, entry);
    this.changed();
  }

  /** Row `index` of the current query, if its page is here. */
  row(index: number): T | undefined {
    const entry = this.current();
    const page = entry?.pages.get(Math.floor(index / this.pageSize));
    return page?.items?.[index % this.pageSize];
  }

  /** Number of rows of the current query; null until counted. */
  total(): number | null {
    return this.current()?.total ?? null;
  }

  /** The error of the count or of a page in the window, if any. */
  error(): string | null {
    const entry = this.current();
    if (!entry) return null;
    if (entry.countError) return entry.countError;
    if (!this.window) return null;
    for (const page of this.windowPages(this.window)) {
      const error = entry.pages.get(page)?.error;
      if (error) return error;
    }
    return null;
  }

  /** True while the count or a page of the window is on its way. */
  loading(): boolean {
    const entry = this.current();
    if (!entry) return false;
    if (entry.total === null) return entry.countError === null;
    if (!this.window) return false;
    return this.windowPages(this.window).some((p) => {
      const page = entry.pages.get(p);
      return !page || (page.items === null && page.error === null);
    });
  }

  /** Page indices currently cached for the current query (for tests and debugging). */
  cachedPages(): number[] {
    return [...(this.current()?.pages.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * The rows `first..last` are on screen: fetch their pages (and `prefetch` pages on each side),
   * drop pages farther than `keepAround` pages from them.
   */
  ensure(first: number, last: number): void {
    const key = this.currentKey;
    const entry = this.current();
    if (key === null || !entry) return;
    const window = { first: Math.max(0, first), last: Math.max(first, last) };
    this.window = window;
    const wanted = this.windowPages(window, this.prefetch);
    const total = entry.total;
    for (const page of wanted) {
      if (total !== null && page * this.pageSize >= total) continue;
      const existing = entry.pages.get(page);
      if (existing && (existing.items !== null || existing.want !== null)) continue;
      this.request(key, entry, page);
    }
    const lo = Math.floor(window.first / this.pageSize) - this.keepAround;
    const hi = Math.floor(window.last / this.pageSize) + this.keepAround;
    for (const page of [...entry.pages.keys()]) {
      if (page < lo || page > hi) entry.pages.delete(page);
    }
    this.evict();
    this.pump();
  }

  /**
   * The data changed: count again and re-fetch the window's pages of the current query (their
   * old rows stay on screen until the new ones arrive); everything else is dropped.
   */
  refresh(): void {
    const key = this.currentKey;
    for (const k of [...this.entries.keys()]) {
      if (k !== key) this.entries.delete(k);
    }
    const entry = this.current();
    if (key === null || !entry) return;
    this.loadCount(key, entry);
    const keep = new Set(this.window ? this.windowPages(this.window) : []);
    for (const page of [...entry.pages.keys()]) {
      if (keep.has(page)) this.request(key, entry, page);
      else entry.pages.delete(page);
    }
    this.pump();
    this.changed();
  }

  /** Forget everything (e.g. after signing out or switching workspace). */
  clear(): void {
    this.entries.clear();
    this.queue.length = 0;
    this.currentKey = null;
    this.window = null;
    this.changed();
  }

  private current(): Entry<Q, T> | undefined {
    return this.currentKey === null ? undefined : this.entries.get(this.currentKey);
  }

  private windowPages(window: { first: number; last: number }, extra = 0): number[] {
    const from = Math.max(0, Math.floor(window.first / this.pageSize) - extra);
    const to = Math.floor(window.last / this.pageSize) + extra;
    const pages: number[] = [];
    for (let page = from; page <= to; page += 1) pages.push(page);
    return pages;
  }

  private request(key: string, entry: Entry<Q, T>, page: number): void {
    const token = this.nextToken++;
    const existing = entry.pages.get(page);
    entry.pages.set(page, {
      items: existing?.items ?? null,
      want: token,
      sent: false,
      error: null,
    });
    // The window's pages first, nearest to its start first.
    this.queue.push({ key, page, token });
    const anchor = this.window ? Math.floor(this.window.first / this.pageSize) : 0;
    this.queue.sort((a, b) => Math.abs(a.page - anchor) - Math.abs(b.page - anchor));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const next = this.queue.shift();
      if (!next) break;
      const entry = this.entries.get(next.key);
      const page = entry?.pages.get(next.page);
      // Dropped or re-requested since it was queued: nothing to send.
      if (!entry || !page || page.want !== next.token) continue;
      page.sent = true;
      this.inFlight += 1;
      void this.options
        .fetchPage(entry.query, next.page * this.pageSize, this.pageSize)
        .then(
          (result) => result,
          (error: unknown): Fetched<T[]> => ({ ok: false, message: String(error) }),
        )
        .then((result) => {
          this.inFlight -= 1;
          const target = this.entries.get(next.key)?.pages.get(next.page);
          if (target && target.want === next.token) {
            target.want = null;
            target.sent = false;
            if (result.ok) {
              target.items = result.data;
              target.error = null;
            } else target.error = result.message;
            this.changed();
          }
          this.pump();
        });
    }
  }

  private loadCount(key: string, entry: Entry<Q, T>): void {
    const token = this.nextToken++;
    entry.countWant = token;
    entry.countError = null;
    void this.options
      .fetchCount(entry.query)
      .then(
        (result) => result,
        (error: unknown): Fetched<number> => ({ ok: false, message: String(error) }),
      )
      .then((result) => {
        if (this.entries.get(key) !== entry || entry.countWant !== token) return;
        entry.countWant = null;
        if (result.ok) {
          entry.total = result.data;
          entry.countError = null;
          // Pages past the new end are gone.
          for (const page of [...entry.pages.keys()]) {
            if (page * this.pageSize >= result.data && page > 0) entry.pages.delete(page);
          }
          if (key === this.currentKey && this.window) {
            this.ensure(this.window.first, this.window.last);
          }
        } else entry.countError = result.message;
        this.changed();
      });
  }

  /** Drops the least recently used keys' pages while over `maxPages`. */
  private evict(): void {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.pages.size;
    for (const [key, entry] of this.entries) {
      if (count <= this.maxPages || key === this.currentKey) break;
      count -= entry.pages.size;
      this.entries.delete(key);
    }
  }

  private changed(): void {
    this.changeCount += 1;
    this.options.onChange?.();
  }
}

/** A stable key for a query object (sorted object keys; arrays keep their order). */
export function queryKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
