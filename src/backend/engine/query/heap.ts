/** A binary heap whose top is the element `worse` ranks lowest; used to keep the best N entries. */
export class BoundedHeap<T> {
  private readonly items: T[] = [];

  /** `worse(a, b)`: a ranks below b (a is evicted first). */
  constructor(
    private readonly capacity: number,
    private readonly worse: (a: T, b: T) => boolean
  ) {}

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  /** The lowest-ranked kept element. */
  peekWorst(): T | undefined {
    return this.items[0];
  }

  /** Whether `item` would be kept. */
  accepts(item: T): boolean {
    return !this.full || this.worse(this.items[0], item);
  }

  /** Adds `item` if it ranks above the worst kept one; returns whether it was kept. */
  offer(item: T): boolean {
    if (this.capacity <= 0 || !this.accepts(item)) {
      return false;
    }
    if (this.full) {
      this.items[0] = item;
      this.siftDown(0);
    } else {
      this.items.push(item);
      this.siftUp(this.items.length - 1);
    }
    return true;
  }

  toArray(): T[] {
    return [...this.items];
  }

  private siftUp(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(items[i], items[parent])) {
        break;
      }
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const items = this.items;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < items.length && this.worse(items[left], items[worst])) {
        worst = left;
      }
      if (right < items.length && this.worse(items[right], items[worst])) {
        worst = right;
      }
      if (worst === i) {
        return;
      }
      [items[i], items[worst]] = [items[worst], items[i]];
      i = worst;
    }
  }
}
