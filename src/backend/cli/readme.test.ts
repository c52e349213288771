/**
 * The README's CLI examples, run as a new user runs them: the BUILT kamiwaza-logs on PATH,
 * KAMIWAZA_LOG_DIR pointing at logs the generator just wrote with its defaults (history up to the
 * current hour), every line expected to answer rows. Fails (never skips) when the build is missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parseGeneratorArgs } from '../../generator/args';
import { generateHistory } from '../../generator/generate';

const root = path.resolve(__dirname, '../../..');
const buildDir = path.join(root, 'build');
/** The README block whose every line this test runs. */
const MARKER = 'a test runs every line of this block';

function readmeExamples(): string[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  expect(at).toBeGreaterThan(0);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  return (block?.[1] ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

const examples = readmeExamples();
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(buildDir, 'kamiwaza-logs'))) {
    throw new Error(`${buildDir}/kamiwaza-logs is missing: run npm run build first`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-readme-'));
  const command = parseGeneratorArgs(['--out', dir, '--size', '8MB', '--days', '2', '--seed', '1'], Date.now());
  if (command.kind !== 'run') {
    throw new Error('generator arguments not accepted');
  }
  await generateHistory(command.options);
  // Generating takes a few seconds, more on a busy machine: jest's 5 s default is too tight.
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `name=$(…)` lines set a variable later lines use; the test checks each one is set. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=\$\(/;

function bash(script: string) {
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', script], {
    encoding: 'utf8',
    env: { PATH: `${buildDir}:${process.env.PATH ?? ''}`, KAMIWAZA_LOG_DIR: dir },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

it('has examples to run', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
  expect(examples.every((line) => line.startsWith('kamiwaza-logs ') || ASSIGNMENT.test(line))).toBe(true);
});

describe.each(examples.map((line, i) => [line, i] as const).filter(([line]) => !ASSIGNMENT.test(line)))(
  'README example %s',
  (line, index) => {
    it('answers rows, with no empty-answer note', () => {
      const prelude = examples
        .slice(0, index)
        .filter((earlier) => ASSIGNMENT.test(earlier))
        .flatMap((assignment) => [assignment, `test -n "$${ASSIGNMENT.exec(assignment)![1]}"`]);
      // A tail never ends by itself: its first line is the answer.
      const command = line.startsWith('kamiwaza-logs tail') ? `timeout 20 ${line} | head -n 1` : line;
      const result = bash([...prelude, command].join('\n'));
      expect(result.stderr).not.toMatch(/^note:|kamiwaza-logs:/m);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).not.toBe('');
    });
  }
);
