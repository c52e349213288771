/**
 * Inflated gzip siblings, shared by the scans that read them within KEEP_MS of each other. A
 * dashboard's panels query the same text logs at once, and each query inflated every rotated
 * sibling for itself: the platform start-up dashboard's eleven queries inflated 8 MB of siblings
 * seven to eleven times over, all alive together. A sibling is kept under its identity (device,
 * inode, size, modification time and gzip trailer), so a file rotated into its name or rewritten
 * in place is read afresh; at most MAX_BYTES are kept, the least recently used going first.
 */

/** A sibling inflated whole; `cut`: it ends early (a copy interrupted), with this error after its lines. */
export interface InflatedSibling {
  inflated: Buffer;
  cut?: Error;
}

/** Long enough for a dashboard's panels, which arrive together; short, as it holds the bytes. */
const KEEP_MS = 1000;
/** Kamiwaza's text logs rotate daily: a week of siblings of the three of them is about 8 MB inflated. */
const MAX_BYTES = 16 << 20;

interface Entry {
  sibling: InflatedSibling;
  usedAt: number;
}

export class InflatedSiblings {
  /** In order of last use, oldest first. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxBytes = MAX_BYTES,
    private readonly keepMs = KEEP_MS
  ) {}

  /** The sibling kept under `identity`, if any (then kept KEEP_MS longer). */
  get(identity: string): InflatedSibling | undefined {
    const entry = this.entries.get(identity);
    if (entry === undefined) {
      return undefined;
    }
    this.entries.delete(identity);
    entry.usedAt = Date.now();
    this.entries.set(identity, entry);
    return entry.sibling;
  }

  /** Keeps `sibling` unless it alone exceeds MAX_BYTES, dropping the least recently used to make room. */
  put(identity: string, sibling: InflatedSibling): void {
    const size = sibling.inflated.length;
    if (size > this.maxBytes || this.entries.has(identity)) {
      return;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.bytes + size <= this.maxBytes) {
        break;
      }
      this.drop(oldest, entry);
    }
    this.entries.set(identity, { sibling, usedAt: Date.now() });
    this.bytes += size;
    this.scheduleSweep();
  }

  /** Bytes kept now. */
  keptBytes(): number {
    return this.bytes;
  }

  private drop(identity: string, entry: Entry): void {
    this.entries.delete(identity);
    this.bytes -= entry.sibling.inflated.length;
  }

  private scheduleSweep(): void {
    if (this.sweep !== undefined || this.entries.size === 0) {
      return;
    }
    this.sweep = setTimeout(() => {
      this.sweep = undefined;
      const now = Date.now();
      for (const [identity, entry] of this.entries) {
        if (now - entry.usedAt < this.keepMs) {
          break; // the rest were used later
        }
        this.drop(identity, entry);
      }
      this.scheduleSweep();
    }, this.keepMs);
    this.sweep.unref();
  }
}
