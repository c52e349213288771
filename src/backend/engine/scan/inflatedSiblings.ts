/**
 * Inflated gzip siblings, shared by the scans that read them while an earlier scan's copy is still
 * in memory. A dashboard's panels query the same text logs at once, and each query inflated every
 * rotated sibling for itself: the platform start-up dashboard's eleven queries inflated 8 MB of
 * siblings seven to eleven times over. A copy is held weakly, so sharing keeps nothing alive that
 * the garbage collector would have freed; it is found under the file's identity (device, inode,
 * size, modification time and gzip trailer), so a file rotated into its name or rewritten in
 * place is read afresh.
 */

/** A sibling inflated whole; `cut`: it ends early (a copy interrupted), with this error after its lines. */
export interface InflatedSibling {
  inflated: Buffer;
  cut?: Error;
}

interface Entry {
  /** The inflated bytes' memory, which every view a scan holds keeps alive. */
  memory: WeakRef<ArrayBufferLike>;
  byteOffset: number;
  length: number;
  cut?: Error;
}

export class InflatedSiblings {
  private readonly entries = new Map<string, Entry>();
  /** Forgets an entry once its memory is collected (unless a newer copy replaced it). */
  private readonly collected = new FinalizationRegistry<string>((identity) => {
    if (this.entries.get(identity)?.memory.deref() === undefined) {
      this.entries.delete(identity);
    }
  });

  /** The sibling under `identity`, while a copy of it is still in memory. */
  get(identity: string): InflatedSibling | undefined {
    const entry = this.entries.get(identity);
    const memory = entry?.memory.deref();
    if (entry === undefined || memory === undefined) {
      return undefined;
    }
    return { inflated: Buffer.from(memory, entry.byteOffset, entry.length), cut: entry.cut };
  }

  put(identity: string, { inflated, cut }: InflatedSibling): void {
    this.entries.set(identity, {
      memory: new WeakRef(inflated.buffer),
      byteOffset: inflated.byteOffset,
      length: inflated.length,
      cut,
    });
    this.collected.register(inflated.buffer, identity);
  }

  /** Siblings listed now, collected or not (for tests). */
  size(): number {
    return this.entries.size;
  }
}
