/**
 * The BUILT Linux launcher (the file Grafana starts): it picks a build and sets, unless the
 * environment already does, the JavaScript heap's size for a plugin (BUN_JSC_forceRAMSize, see
 * scripts/build-backend.ts), how long freed memory is kept (MIMALLOC_PURGE_DELAY) and how soon
 * code gets optimized (BUN_JSC_thresholdForOptimizeAfterWarmUp). Run here against stand-in builds
 * that print what they were given. Fails (never skips) without `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { hostExecutable } from './protocol/testing/spawn';

describe('built launcher', () => {
  let dir: string;
  let launcher: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-launcher-'));
    launcher = path.join(dir, path.basename(hostExecutable()));
    fs.copyFileSync(hostExecutable(), launcher);
    fs.chmodSync(launcher, 0o755);
    for (const build of ['glibc', 'musl']) {
      const stand = `${launcher}_${build}`;
      fs.writeFileSync(
        stand,
        `#!/bin/sh\necho "${build} $BUN_JSC_forceRAMSize $MIMALLOC_PURGE_DELAY $BUN_JSC_thresholdForOptimizeAfterWarmUp $*"\n`,
        {
          mode: 0o755,
        }
      );
    }
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(launcher, ['--flag'], { env, cwd: '/', encoding: 'utf8' }).stdout.trim().split(' ');

  it('tells JavaScriptCore the machine has 256 MB and to optimize after 10 000 runs, and mimalloc to keep freed memory 100 ms, without PATH, passing the arguments on', () => {
    const [build, ramSize, purgeDelay, optimizeAfter, arg] = run({});
    expect(['glibc', 'musl']).toContain(build);
    expect(Number(ramSize)).toBe(256 * 1024 * 1024);
    expect(purgeDelay).toBe('100');
    expect(optimizeAfter).toBe('10000');
    expect(arg).toBe('--flag');
  });

  it("keeps the environment's own values", () => {
    const [, ramSize, purgeDelay, optimizeAfter] = run({
      BUN_JSC_forceRAMSize: '1073741824',
      MIMALLOC_PURGE_DELAY: '10',
      BUN_JSC_thresholdForOptimizeAfterWarmUp: '1000',
    });
    expect([ramSize, purgeDelay, optimizeAfter]).toEqual(['1073741824', '10', '1000']);
  });
});
