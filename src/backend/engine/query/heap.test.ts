import { BoundedHeap } from './heap';

describe('BoundedHeap', () => {
  it('keeps the N best elements whatever the arrival order', () => {
    const heap = new BoundedHeap<number>(3, (a, b) => a < b); // keep the largest
    [5, 1, 9, 3, 7, 2, 8].forEach((n) => heap.offer(n));
    expect(heap.toArray().sort((a, b) => a - b)).toEqual([7, 8, 9]);
    expect(heap.peekWorst()).toBe(7);
    expect(heap.accepts(6)).toBe(false);
    expect(heap.accepts(10)).toBe(true);
  });
});
