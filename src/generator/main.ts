/**
 * `npm run generate -- ...`: writes realistic Kamiwaza sample logs (see docs/log-formats.md).
 * Progress goes to stderr, the summary to stdout.
 */
import { GeneratorOptions, USAGE, UsageError, parseGeneratorArgs } from './args';
import { follow } from './follow';
import { RunSummary, generateHistory } from './generate';
import { isoSeconds } from './timefmt';

const MB = 1024 * 1024;

export function formatSummary(opts: GeneratorOptions, s: RunSummary): string {
  const lines: string[] = [];
  const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
  lines.push(
    `Wrote ${opts.out}: ${isoSeconds(s.startUs)} .. ${isoSeconds(s.endUs)} (${opts.days} days), seed ${opts.seed}`
  );
  lines.push(`  ${s.units} arrivals, ${s.incidents} incidents, ${(s.elapsedMs / 1000).toFixed(1)} s`);
  let total = 0;
  for (const f of s.files) {
    total += f.bytes;
    const damage = Object.entries(f.damage)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    lines.push(
      `  ${f.file.padEnd(28)} ${mb(f.bytes).padStart(10)} ${String(f.lines).padStart(10)} records   malformed: ${damage || 'none'}`
    );
  }
  lines.push(`  total (uncompressed)         ${mb(total).padStart(10)}  (requested ${mb(opts.sizeBytes)})`);
  lines.push('  on disk:');
  for (const f of s.onDisk) {
    lines.push(`    ${f.path.padEnd(44)} ${mb(f.bytes).padStart(10)}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseGeneratorArgs(argv, Date.now());
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`generate: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const opts = command.options;
  if (opts.endDefaulted) {
    process.stderr.write(`--end not given: using ${isoSeconds(opts.endUs)}\n`);
  }
  process.stderr.write(`generating ~${(opts.sizeBytes / MB).toFixed(0)} MB over ${opts.days} days into ${opts.out}\n`);
  const progress = (m: string) => process.stderr.write(`${m}\n`);
  const run = await generateHistory(opts, progress, opts.follow);
  process.stdout.write(`${formatSummary(opts, run.summary)}\n`);
  if (opts.follow) {
    let stop = false;
    const onSignal = () => {
      stop = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.stderr.write('following: appending live events (Ctrl-C to stop)\n');
    let lastReport = Date.now();
    await follow(run.sim, run.output, {
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      stopped: () => stop,
      onTick: (us) => {
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          process.stderr.write(`  live at ${isoSeconds(us)}, ${run.sim.units} arrivals\n`);
        }
      },
    });
    process.stderr.write('stopped\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`generate: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  }
);
