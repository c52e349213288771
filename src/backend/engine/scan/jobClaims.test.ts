import { JobClaims } from './jobClaims';

describe('JobClaims', () => {
  it('gives each job to one thread: the worker from the front, this thread from the back', () => {
    const here = new JobClaims(5);
    const worker = new JobClaims(here.buffer); // the worker's view of the same memory
    expect(worker.claimForWorker(0)).toBe(true);
    expect(here.takeBack([0, 1, 2, 3, 4])).toBe(4);
    expect(here.takeBack([0, 1, 2, 3, 4])).toBe(3);
    expect(worker.claimForWorker(1)).toBe(true);
    expect(worker.claimForWorker(2)).toBe(true);
    expect(worker.claimForWorker(3)).toBe(false); // taken back
    expect(here.takeBack([0, 1, 2, 3, 4])).toBeUndefined(); // the worker is past the rest
  });

  it('takes back only the jobs asked for, never one the worker has started', () => {
    const here = new JobClaims(4);
    const worker = new JobClaims(here.buffer);
    expect(here.takeBack([1, 2])).toBe(2);
    expect(here.takeBack([1])).toBe(1);
    expect(here.takeBack([])).toBeUndefined();
    expect(worker.claimForWorker(0)).toBe(true);
    expect(worker.claimForWorker(1)).toBe(false);
    expect(worker.claimForWorker(3)).toBe(true);
    expect(here.takeBack([0, 3])).toBeUndefined();
  });
});
