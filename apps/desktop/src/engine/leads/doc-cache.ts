/**
 * A small LRU of decoded record docs. Invariant: a cached doc holds exactly the stored `y_state`
 * of its row. Writers that change the stored state without the cached doc must `delete` it.
 */
import type * as Y from 'yjs';

export class DocCache {
  private readonly docs = new Map<string, Y.Doc>();

  constructor(private readonly capacity = 64) {}

  get(name: string): Y.Doc | undefined {
    const doc = this.docs.get(name);
    if (doc) {
      this.docs.delete(name);
      this.docs.set(name, doc);
    }
    return doc;
  }

  set(name: string, doc: Y.Doc): void {
    const old = this.docs.get(name);
    if (old && old !== doc) old.destroy();
    this.docs.delete(name);
    this.docs.set(name, doc);
    while (this.docs.size > this.capacity) {
      const oldest = this.docs.keys().next().value!;
      this.delete(oldest);
    }
  }

  delete(name: string): void {
    this.docs.get(name)?.destroy();
    this.docs.delete(name);
  }

  clear(): void {
    for (const doc of this.docs.values()) doc.destroy();
    this.docs.clear();
  }

  get size(): number {
    return this.docs.size;
  }
}
