import { IdleCollector } from './idleCollector';

const MB = 1 << 20;

/** A collector with a 1 s idle time, a recorded collection and a heap size the test sets. */
function idleCollector() {
  const heap = { bytes: 100 * MB };
  const collect = jest.fn();
  return { collect, heap, idle: new IdleCollector({ collect, idleMs: 1000, heapBytes: () => heap.bytes }) };
}

describe('IdleCollector', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('collects once calls have paused for the idle time, never while one is in flight', () => {
    const { collect, idle } = idleCollector();
    const first = idle.begin();
    const second = idle.begin();
    first();
    jest.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
    second();
    jest.advanceTimersByTime(999);
    expect(collect).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('waits again when a call starts during the pause, and counts a call ended twice once', () => {
    const { collect, idle } = idleCollector();
    const a = idle.begin();
    a();
    jest.advanceTimersByTime(500);
    const b = idle.begin();
    a();
    jest.advanceTimersByTime(2000);
    expect(collect).not.toHaveBeenCalled();
    b();
    jest.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('collects again while idle only when the heap grew by 8 MB since the last collection', () => {
    const { collect, heap, idle } = idleCollector();
    idle.begin()();
    jest.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    // Background work (an index build) allocates while no call comes.
    heap.bytes += 7 * MB;
    jest.advanceTimersByTime(5000);
    expect(collect).toHaveBeenCalledTimes(1);
    heap.bytes += 1 * MB;
    jest.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(5000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('measures growth from the lowest heap seen since the last collection', () => {
    const { collect, heap, idle } = idleCollector();
    idle.begin()();
    jest.advanceTimersByTime(1000);
    heap.bytes -= 20 * MB; // the runtime collected on its own
    jest.advanceTimersByTime(1000);
    heap.bytes += 8 * MB;
    jest.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('does not look at the heap while a call is in flight or before the first call', () => {
    const { collect, heap, idle } = idleCollector();
    heap.bytes += 50 * MB;
    jest.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
    const end = idle.begin();
    heap.bytes += 50 * MB;
    jest.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
    end();
    jest.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
  });
});
