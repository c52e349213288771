import { emptyStats } from '../model';
import { countQuery, GivingWayBudget, newQueryCounter, RunningQueries, waitWhileQueriesRun } from './giveWay';

afterEach(() => jest.restoreAllMocks());

describe('index builds give way to queries', () => {
  it('counts each query once, however often its end is reported', () => {
    const counter = newQueryCounter();
    const first = countQuery(counter);
    const second = countQuery(counter);
    expect(Atomics.load(counter, 0)).toBe(2);
    first();
    first();
    expect(Atomics.load(counter, 0)).toBe(1);
    second();
    expect(Atomics.load(counter, 0)).toBe(0);
  });

  it('does not wait when no query runs', () => {
    const wait = jest.spyOn(Atomics, 'wait');
    waitWhileQueriesRun(newQueryCounter());
    expect(wait).not.toHaveBeenCalled();
  });

  it('waits while a query runs, on the count it saw, for a bounded time', () => {
    jest.useFakeTimers();
    const counter = newQueryCounter();
    countQuery(counter);
    const timeouts: number[] = [];
    jest.spyOn(Atomics, 'wait').mockImplementation((array, index, value, timeout) => {
      expect([array, index, value]).toEqual([counter, 0, 1]);
      timeouts.push(timeout!);
      jest.advanceTimersByTime(200);
      return 'timed-out';
    });
    expect(waitWhileQueriesRun(counter)).toBe(false);
    expect(timeouts).toEqual([500, 300, 100]);
    jest.useRealTimers();
  });

  it('stops waiting as soon as the last query ends', () => {
    const counter = newQueryCounter();
    const ended = countQuery(counter);
    const wait = jest.spyOn(Atomics, 'wait').mockImplementation(() => {
      ended(); // the query ends (on another thread, in real use) while the build waits
      return 'ok';
    });
    expect(waitWhileQueriesRun(counter)).toBe(true);
    expect(wait).toHaveBeenCalledTimes(1);
  });

  it('builds for a while after a wait ran out, so steady queries cannot starve the index', () => {
    jest.useFakeTimers();
    const counter = newQueryCounter();
    countQuery(counter); // a query that never ends
    const waits = jest.spyOn(Atomics, 'wait').mockImplementation((_, __, ___, timeout) => {
      jest.advanceTimersByTime(timeout!);
      return 'timed-out';
    });
    const budget = new GivingWayBudget(emptyStats(), undefined, counter);
    expect(budget.ok()).toBe(true); // waited 500 ms
    expect(waits).toHaveBeenCalledTimes(1);
    for (let block = 0; block < 5; block++) {
      jest.advanceTimersByTime(40); // a block read in 40 ms: no waiting for 250 ms
      expect(budget.ok()).toBe(true);
    }
    expect(waits).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60);
    budget.ok(); // the slice is over: it gives way again
    expect(waits).toHaveBeenCalledTimes(2);
    jest.useRealTimers();
  });

  it("checks a build's budget only after giving way", () => {
    const counter = newQueryCounter();
    const ended = countQuery(counter);
    const controller = new AbortController();
    const budget = new GivingWayBudget(emptyStats(), controller.signal, counter);
    jest.spyOn(Atomics, 'wait').mockImplementation(() => {
      ended();
      controller.abort(); // cancelled while it waited
      return 'ok';
    });
    expect(budget.ok()).toBe(false);
  });
});

describe('build jobs start once the running queries end', () => {
  afterEach(() => jest.useRealTimers());

  /** Whether `promise` has settled after pending callbacks ran. */
  async function settled(promise: Promise<void>): Promise<boolean> {
    let done = false;
    void promise.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  }

  it('starts at once when no query runs', async () => {
    expect(await settled(new RunningQueries().ended())).toBe(true);
  });

  it('waits for the last of the running queries, which the workers also see, and for its answer to go out', async () => {
    jest.useFakeTimers();
    const queries = new RunningQueries();
    const first = queries.started();
    const second = queries.started();
    expect(Atomics.load(queries.counter, 0)).toBe(2);
    const start = queries.ended();
    first();
    jest.advanceTimersByTime(100);
    expect(await settled(start)).toBe(false);
    second();
    expect(Atomics.load(queries.counter, 0)).toBe(0);
    jest.advanceTimersByTime(29);
    expect(await settled(start)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(start)).toBe(true);
  });

  it('keeps waiting when a query starts right after the last one ended', async () => {
    jest.useFakeTimers();
    const queries = new RunningQueries();
    const first = queries.started();
    const start = queries.ended();
    first();
    jest.advanceTimersByTime(10);
    const next = queries.started();
    jest.advanceTimersByTime(100);
    expect(await settled(start)).toBe(false);
    next();
    jest.advanceTimersByTime(30);
    expect(await settled(start)).toBe(true);
  });

  it('starts after a bounded wait when a query goes on', async () => {
    jest.useFakeTimers();
    const queries = new RunningQueries();
    queries.started(); // never ends
    const start = queries.ended();
    jest.advanceTimersByTime(499);
    expect(await settled(start)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(start)).toBe(true);
  });
});
