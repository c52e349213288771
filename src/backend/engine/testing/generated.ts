/** Sample logs from the project's generator, for tests (history ending at `end`). */
import { parseGeneratorArgs } from '../../../generator/args';
import { generateHistory } from '../../../generator/generate';

export async function generateLogs(out: string, args: string[], end = '2026-11-20T00:00:00Z'): Promise<void> {
  const command = parseGeneratorArgs(['--out', out, '--end', end, ...args], Date.parse(end));
  if (command.kind !== 'run') {
    throw new Error('generator arguments not accepted');
  }
  await generateHistory(command.options);
}
