import { JobClaims } from './jobClaims';

/** The flags of the jobs this thread waits for, out of `count`. */
function waitingFor(count: number, ...indexes: number[]): Uint8Array {
  const flags = new Uint8Array(count);
  indexes.forEach((index) => (flags[index] = 1));
  return flags;
}

describe('JobClaims', () => {
  it('gives each job to one thread: the worker from the front, this thread from the back', () => {
    const here = new JobClaims(5);
    const worker = new JobClaims(here.buffer); // the worker's view of the same memory
    const all = waitingFor(5, 0, 1, 2, 3, 4);
    expect(worker.claimForWorker(0)).toBe(true);
    expect(here.takeBack(all)).toBe(4);
    expect(here.takeBack(all)).toBe(3);
    expect(worker.claimForWorker(1)).toBe(true);
    expect(worker.claimForWorker(2)).toBe(true);
    expect(worker.claimForWorker(3)).toBe(false); // taken back
    expect(here.takeBack(all)).toBeUndefined(); // the worker is past the rest
  });

  it('takes back only the jobs waited for, never one the worker has started', () => {
    const here = new JobClaims(4);
    const worker = new JobClaims(here.buffer);
    expect(here.takeBack(waitingFor(4, 1, 2))).toBe(2);
    expect(here.takeBack(waitingFor(4, 1))).toBe(1);
    expect(here.takeBack(waitingFor(4))).toBeUndefined();
    expect(worker.claimForWorker(0)).toBe(true);
    expect(worker.claimForWorker(1)).toBe(false);
    expect(worker.claimForWorker(3)).toBe(true);
    expect(here.takeBack(waitingFor(4, 0, 3))).toBeUndefined();
  });
});
