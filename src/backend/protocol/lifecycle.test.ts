import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { currentParentPid } from './lifecycle';

const BUN = path.resolve(__dirname, '../../../node_modules/.bin/bun');

describe('process lifecycle', () => {
  it('reads the live parent pid', () => {
    expect(currentParentPid()).toBe(process.ppid);
  });

  it('logs uncaught exceptions and unhandled rejections instead of dying', () => {
    // A separate runtime process: jest intercepts these events in its own.
    const script = `
      import { installCrashGuards } from ${JSON.stringify(path.join(__dirname, 'lifecycle.ts'))};
      import { createHclogLogger } from ${JSON.stringify(path.join(__dirname, 'logger.ts'))};
      installCrashGuards(createHclogLogger());
      setTimeout(() => { throw new Error('thrown in a timer'); }, 1);
      Promise.reject(new Error('rejected promise'));
      setTimeout(() => process.stderr.write('still alive\\n'), 50);
    `;
    const result = spawnSync(BUN, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(result.status).toBe(0);
    const lines = result.stderr.split('\n').filter(Boolean);
    const logged = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          '@level': 'error',
          '@message': 'uncaught exception',
          error: expect.stringContaining('thrown in a timer'),
        }),
        expect.objectContaining({
          '@level': 'error',
          '@message': 'unhandled promise rejection',
          error: expect.stringContaining('rejected promise'),
        }),
      ])
    );
    expect(lines).toContain('still alive');
  });
});
