/**
 * Files that move under the engine, as a model test (see `movingFiles.ts`): 1000 random sequences
 * here; `npm run soak` runs many more (MOVING_FILES_RUNS).
 */
import { assertMovingFiles, runSequence } from './movingFiles';

const RUNS = Number(process.env.MOVING_FILES_RUNS ?? 1000);

jest.setTimeout(Math.max(300_000, RUNS * 600));

describe('files that move while queries run and a tail follows', () => {
  it('a stack trace whose continuation lines come in a later write is one record in the tail and in queries', async () => {
    await expect(
      runSequence('text', [
        { kind: 'append', count: 1, stack: true },
        { kind: 'continue', lines: 2 },
        { kind: 'query' },
        { kind: 'continue', lines: 1 },
        { kind: 'append', count: 1, stack: false },
      ])
    ).resolves.toEqual({ queries: 2, records: 2 });
  });

  it(`agrees with the model over ${RUNS} random sequences`, async () => {
    await assertMovingFiles(RUNS, process.env.MOVING_FILES_SEED ? Number(process.env.MOVING_FILES_SEED) : undefined);
  });
});
