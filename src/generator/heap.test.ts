import { KeyedHeap } from './heap';
import { Prng } from './prng';

describe('KeyedHeap', () => {
  it('pops in key order, ties in insertion order', () => {
    const heap = new KeyedHeap<string>();
    const rng = new Prng(1);
    const pushed: Array<[number, string]> = [];
    for (let i = 0; i < 500; i++) {
      const key = rng.int(50);
      pushed.push([key, `item${i}`]);
      heap.push(key, `item${i}`);
    }
    const expected = [...pushed].sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    const popped: string[] = [];
    while (heap.size) {
      popped.push(heap.pop()!);
    }
    expect(popped).toEqual(expected);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekKey()).toBe(Infinity);
  });
});
