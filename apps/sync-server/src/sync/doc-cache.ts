/**
 * A small LRU of hot record docs on this instance. An entry is valid only while its `seq` equals
 * the lead row's seq (read under the doc's lock), so a write by another instance invalidates it.
 * Only the commit queue touches entries, one batch at a time.
 */
import type * as Y from 'yjs';
import type { LeadState } from './activity.ts';

export interface CachedDoc {
  doc: Y.Doc;
  /** The lead row's seq this doc reflects. */
  seq: number;
  workspaceId: string;
  ownerId: string | null;
  /** The doc's encoded state at `seq` (what `lead.y_state` holds). */
  state: Uint8Array;
  /** The doc projected at `seq` (the timeline's "before" of the next change), when known. */
  last?: LeadState;
}

export class DocCache {
  private readonly entries = new Map<string, CachedDoc>();

  constructor(private readonly capacity: number) {}

  get(name: string): CachedDoc | undefined {
    const hit = this.entries.get(name);
    if (hit) {
      this.entries.delete(name);
      this.entries.set(name, hit);
    }
    return hit;
  }

  /** Without touching the LRU order. */
  peek(name: string): CachedDoc | undefined {
    return this.entries.get(name);
  }

  set(name: string, entry: CachedDoc): void {
    const old = this.entries.get(name);
    if (old && old.doc !== entry.doc) old.doc.destroy();
    this.entries.delete(name);
    this.entries.set(name, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    this.entries.delete(name);
    e.doc.destroy();
  }

  clear(): void {
    for (const name of [...this.entries.keys()]) this.delete(name);
  }

  get size(): number {
    return this.entries.size;
  }
}
