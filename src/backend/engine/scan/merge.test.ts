/** Merging per-file record streams by time, with inputs that reuse their batches' memory. */
import type { LogRecord } from '../model';
import { mergeByTime } from './merge';

/**
 * An input as a transient scan is: each batch is the same records, overwritten with the next
 * times when the input is asked for its next batch.
 */
async function* reusing(times: number[], batchSize: number): AsyncGenerator<LogRecord[]> {
  const slots = Array.from({ length: batchSize }, () => ({ ts: NaN }) as unknown as LogRecord);
  for (let i = 0; i < times.length; i += batchSize) {
    const batch = slots.slice(0, Math.min(batchSize, times.length - i));
    batch.forEach((record, k) => ((record as { ts: number }).ts = times[i + k]));
    yield batch;
  }
}

/** The times the consumer sees, read as each merged batch arrives (before asking for the next). */
async function mergedTimes(inputs: number[][], direction: 'forward' | 'backward', batchSize: number, outSize: number) {
  const seen: number[] = [];
  const sources = inputs.map((times) => reusing(times, batchSize));
  for await (const batch of mergeByTime(sources, direction, outSize)) {
    seen.push(...batch.map((r) => r.ts));
  }
  return seen;
}

it('hands out every record in time order before an input reuses its batch', async () => {
  const a = [1, 4, 5, 9, 10, 11, 20, 21];
  const b = [2, 3, 6, 7, 8, 12, 13, 30];
  const c = [0, 14, 15, 16, 17, 18, 19, 22];
  for (const batchSize of [1, 2, 3, 8]) {
    for (const outSize of [1, 4, 100]) {
      expect(await mergedTimes([a, b, c], 'forward', batchSize, outSize)).toEqual(
        [...a, ...b, ...c].sort((x, y) => x - y)
      );
    }
  }
});

it('merges newest first backward, and passes one input through', async () => {
  const a = [9, 7, 4, 1];
  const b = [8, 6, 5, 3, 2];
  expect(await mergedTimes([a, b], 'backward', 2, 100)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  expect(await mergedTimes([a], 'backward', 3, 100)).toEqual(a);
});

describe('reading ahead', () => {
  const record = (ts: number) => ({ ts }) as unknown as LogRecord;

  /**
   * Input A's first batch comes only once input B was asked for its second (or, so that the test
   * ends either way, when the consumer gives up on it); B has two batches.
   */
  function waitingInputs() {
    const asked: string[] = [];
    let bAskedTwice = () => {};
    const released = new Promise<string>((resolve) => (bAskedTwice = () => resolve('B read on')));
    let giveUp = () => {};
    const gaveUp = new Promise<string>((resolve) => (giveUp = () => resolve('gave up')));
    async function* a(): AsyncGenerator<LogRecord[]> {
      asked.push(await Promise.race([released, gaveUp]));
      yield [record(5)];
    }
    async function* b(): AsyncGenerator<LogRecord[]> {
      yield [record(4)];
      bAskedTwice();
      yield [record(3)];
    }
    return { sources: [a(), b()], asked, giveUp };
  }

  async function merged(readAhead: boolean) {
    const { sources, asked, giveUp } = waitingInputs();
    // Without reading ahead nothing asks B again until A's first batch is in: give up after the
    // other inputs' turns, so that the assertion, not a hang, tells.
    setImmediate(giveUp);
    const times: number[] = [];
    for await (const batch of mergeByTime(sources, 'backward', 100, readAhead)) {
      times.push(...batch.map((r) => r.ts));
    }
    return { times, asked };
  }

  it('asks an input for its next batch while the merge waits for another input', async () => {
    expect(await merged(true)).toEqual({ times: [5, 4, 3], asked: ['B read on'] });
  });

  it('does not, for inputs that reuse their batches', async () => {
    expect(await merged(false)).toEqual({ times: [5, 4, 3], asked: ['gave up'] });
  });
});
