/**
 * Whether a line holds one literal of each group (`FileScanPlan.literalGroups`), checked on its
 * raw bytes before a record is made. A forward scan asks about the lines of one buffer in order:
 * each literal's next position in the buffer is then found once and kept for the lines after
 * (one pass over the buffer per literal, and no view of each line). Lines asked out of order, or
 * of another buffer, are searched on their own.
 */
export class LiteralGroups {
  private readonly literals: Buffer[];
  /** Per group, its literals' indexes in `literals`. */
  private readonly groups: number[][];
  /** Per literal: its first position at or after `from` in `buf`; -1 none; -2 not searched yet. */
  private readonly next: Float64Array;
  private buf: Buffer | undefined;
  private from = 0;

  constructor(groups: Buffer[][]) {
    this.literals = groups.flat();
    let k = 0;
    this.groups = groups.map((group) => group.map(() => k++));
    this.next = new Float64Array(this.literals.length);
  }

  /** Whether `buf[s, e)` contains one literal of every group. */
  passes(buf: Buffer, s: number, e: number): boolean {
    if (buf !== this.buf || s < this.from) {
      if (buf === this.buf) {
        return this.searchLine(buf, s, e);
      }
      this.buf = buf;
      this.next.fill(-2);
    }
    this.from = s;
    for (const group of this.groups) {
      let found = false;
      for (const k of group) {
        let at = this.next[k];
        if (at === -2 || (at >= 0 && at < s)) {
          at = this.next[k] = buf.indexOf(this.literals[k], s);
        }
        if (at >= 0 && at + this.literals[k].length <= e) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** The check for a line on its own (a view of it, so that no search runs past its end). */
  private searchLine(buf: Buffer, s: number, e: number): boolean {
    const line = buf.subarray(s, e);
    for (const group of this.groups) {
      let found = false;
      for (const k of group) {
        if (line.indexOf(this.literals[k]) >= 0) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }
}
