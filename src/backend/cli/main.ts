/**
 * `kamiwaza-logs`: the log engine from a shell. What an operator runs over SSH, and what the
 * benchmarks drive. A thin shell over engine/: parse arguments, check the place, run, print, and
 * say on stderr why an answer is empty.
 */
import { version } from '../../../package.json';
import { labelValues, streamLabelNames } from '../engine/explore/labels';
import { runQuery, tailQuery, type QueryResult } from '../engine/query';
import { createFileLogStore, type FileLogStore } from '../engine/store';
import { msToIso } from '../engine/time';
import { parseCommand, UsageError, type Command, type OutputFormat } from './args';
import { commandHelp, generalHelp, usageHint } from './help';
import { explainEmptyLabels, explainEmptyQuery } from './hints';
import { logTableLine, renderResult, renderSources } from './output';
import { NoLogsError, requireLogFiles, requireReadableRoots } from './roots';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_NO_LOGS = 3;

type StoreCommand = Exclude<Command, { kind: 'help' } | { kind: 'version' }>;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    process.stderr.write(`${generalHelp()}\n`);
    return EXIT_USAGE;
  }
  let command: Command;
  try {
    command = parseCommand(argv, process.env, Date.now());
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kamiwaza-logs: ${err.message}\n${usageHint(err.command)}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (command.kind === 'help') {
    await write([command.topic ? commandHelp(command.topic) : generalHelp()]);
    return 0;
  }
  if (command.kind === 'version') {
    await write([`kamiwaza-logs ${version}`]);
    return 0;
  }

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  try {
    requireReadableRoots(command.store);
    const store = createFileLogStore(command.store);
    if (command.kind !== 'tail') {
      requireLogFiles(command.store, store.describeSources());
    }
    await run(command, store, abort.signal);
    return 0;
  } catch (err) {
    if (abort.signal.aborted && command.kind === 'tail') {
      return 0;
    }
    process.stderr.write(`kamiwaza-logs: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof NoLogsError ? EXIT_NO_LOGS : EXIT_FAILED;
  }
}

async function run(command: StoreCommand, store: FileLogStore, signal: AbortSignal) {
  switch (command.kind) {
    case 'query': {
      const result = await runQuery(store, {
        query: command.query,
        startMs: command.startMs,
        endMs: command.endMs,
        stepMs: command.stepMs,
        instant: command.instant,
        limit: command.limit,
        direction: command.direction,
        signal,
      });
      for (const notice of result.notices) {
        process.stderr.write(`${notice.severity}: ${notice.text}\n`);
      }
      await write(renderResult(result, command.output, command.direction));
      if (isEmpty(result)) {
        note(
          await explainEmptyQuery(
            store,
            command.query,
            command,
            { lines: result.stats.linesScanned, bytes: result.stats.bytesScanned },
            signal
          )
        );
      }
      return;
    }
    case 'labels': {
      // As Loki's /labels (and the data source's labels resource): the stream labels.
      const names = await streamLabelNames(store, [], command.startMs, command.endMs, signal);
      await writeList(names, command.output);
      if (names.length === 0) {
        note(await explainEmptyLabels(store, command, undefined, signal));
      }
      return;
    }
    case 'label-values': {
      const values = await labelValues(store, command.name, [], command.startMs, command.endMs, signal);
      await writeList(values, command.output);
      if (values.length === 0) {
        note(await explainEmptyLabels(store, command, command.name, signal));
      }
      return;
    }
    case 'tail':
      if (!store.describeSources().some((source) => source.files.length > 0)) {
        note([`no log file yet under ${command.store.roots.join(', ')}; waiting for one`]);
      }
      for await (const streams of tailQuery(store, { query: command.query, signal, startMs: command.startMs })) {
        // A batch is grouped by stream; a terminal reads one timeline.
        const rows = streams
          .flatMap((stream) => stream.entries.map((entry) => ({ entry, labels: stream.labels })))
          .sort((a, b) => a.entry.ts - b.entry.ts);
        await write(
          rows.map(({ entry, labels }) =>
            command.output === 'table'
              ? logTableLine(msToIso(entry.ts), labels, entry.line)
              : JSON.stringify({ time: msToIso(entry.ts), labels, line: entry.line })
          )
        );
      }
      return;
    case 'sources':
      await write(renderSources(store.describeSources(), command.output));
      return;
  }
}

function isEmpty(result: QueryResult): boolean {
  switch (result.resultType) {
    case 'streams':
      return result.streams.every((stream) => stream.entries.length === 0);
    case 'matrix':
      return result.series.length === 0;
    case 'vector':
      return result.samples.length === 0;
    case 'scalar':
      return false;
  }
}

function note(lines: string[]) {
  for (const line of lines) {
    process.stderr.write(`note: ${line}\n`);
  }
}

/** Loki's /labels and /label/<name>/values answer `{status, data: [...]}`. */
async function writeList(values: string[], output: OutputFormat) {
  if (output === 'loki-json') {
    await write([JSON.stringify({ status: 'success', data: values })]);
  } else {
    await write(output === 'jsonl' ? values.map((v) => JSON.stringify(v)) : values);
  }
}

/** Writes lines honouring back-pressure, so `| head` and slow terminals work. */
function write(lines: string[]): Promise<void> {
  if (lines.length === 0) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    if (process.stdout.write(lines.join('\n') + '\n')) {
      resolve();
    } else {
      process.stdout.once('drain', resolve);
    }
  });
}

// `kamiwaza-logs tail … | head` closes the pipe: that is the reader being done, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : EXIT_FAILED));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`kamiwaza-logs: internal error: ${(err as Error)?.stack ?? err}\n`);
    process.exit(EXIT_FAILED);
  }
);
