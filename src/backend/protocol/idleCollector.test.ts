import { IdleCollector } from './idleCollector';

/** A collector with a 1 s idle time and a recorded collection. */
function idleCollector() {
  const collect = jest.fn();
  return { collect, idle: new IdleCollector(collect, 1000) };
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
});
