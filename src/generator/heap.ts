/**
 * A min-heap of items by numeric key, ties broken by insertion order so output stays
 * deterministic. Holds records until their writer would have written them.
 */
export class KeyedHeap<T> {
  private keys: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(key: number, item: T): void {
    let i = this.items.length;
    const seq = this.seq++;
    this.keys.push(key);
    this.seqs.push(seq);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(key, seq, parent)) {
        break;
      }
      this.move(parent, i);
      i = parent;
    }
    this.set(i, key, seq, item);
  }

  /** The smallest key, or +Infinity when empty. */
  peekKey(): number {
    return this.items.length ? this.keys[0] : Infinity;
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) {
      return undefined;
    }
    const top = this.items[0];
    const key = this.keys.pop()!;
    const seq = this.seqs.pop()!;
    const item = this.items.pop()!;
    if (n > 1) {
      let i = 0;
      const last = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) {
          break;
        }
        const r = l + 1;
        const c = r < last && this.lessAt(r, l) ? r : l;
        if (!this.lessThanKey(c, key, seq)) {
          break;
        }
        this.move(c, i);
        i = c;
      }
      this.set(i, key, seq, item);
    }
    return top;
  }

  private less(key: number, seq: number, j: number): boolean {
    return key < this.keys[j] || (key === this.keys[j] && seq < this.seqs[j]);
  }

  private lessAt(i: number, j: number): boolean {
    return this.less(this.keys[i], this.seqs[i], j);
  }

  private lessThanKey(i: number, key: number, seq: number): boolean {
    return this.keys[i] < key || (this.keys[i] === key && this.seqs[i] < seq);
  }

  private move(from: number, to: number): void {
    this.set(to, this.keys[from], this.seqs[from], this.items[from]);
  }

  private set(i: number, key: number, seq: number, item: T): void {
    this.keys[i] = key;
    this.seqs[i] = seq;
    this.items[i] = item;
  }
}
