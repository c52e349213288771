/**
 * `kamiwaza-logs`: the log engine from a shell. What an operator runs over SSH, and what the
 * benchmarks drive. A thin shell over engine/: parse arguments, run, print.
 */
import { LogQLSyntaxError } from '../engine/logql/ast';
import { runQuery, tailQuery } from '../engine/query';
import { createFileLogStore } from '../engine/store';
import { parseCommand, USAGE, UsageError, type Command, type OutputFormat } from './args';
import { msToIso } from '../engine/time';
import { logTableLine, renderResult } from './output';

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, process.env, Date.now());
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kamiwaza-logs: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (command.kind === 'help') {
    await write([USAGE]);
    return 0;
  }

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const store = createFileLogStore(command.store);
  try {
    await run(command, store, abort.signal);
    return 0;
  } catch (err) {
    if (abort.signal.aborted && command.kind === 'tail') {
      return 0;
    }
    const message = err instanceof LogQLSyntaxError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`kamiwaza-logs: ${message}\n`);
    return 1;
  }
}

async function run(
  command: Exclude<Command, { kind: 'help' }>,
  store: ReturnType<typeof createFileLogStore>,
  signal: AbortSignal
) {
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
      return;
    }
    case 'labels':
      await writeList(await store.labelNames(command.startMs, command.endMs, signal), command.output);
      return;
    case 'label-values':
      await writeList(
        await store.labelValues(command.name, command.startMs, command.endMs, undefined, signal),
        command.output
      );
      return;
    case 'tail':
      for await (const streams of tailQuery(store, { query: command.query, signal, startMs: command.startMs })) {
        const lines = streams.flatMap((stream) =>
          stream.entries.map((entry) =>
            command.output === 'table'
              ? logTableLine(msToIso(entry.ts), stream.labels, entry.line)
              : JSON.stringify({ time: msToIso(entry.ts), labels: stream.labels, line: entry.line })
          )
        );
        await write(lines);
      }
      return;
    case 'sources': {
      const sources = store.describeSources();
      await write(
        command.output === 'table' ? sources.map((s) => JSON.stringify(s, null, 2)) : [JSON.stringify(sources)]
      );
      return;
    }
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`kamiwaza-logs: internal error: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  }
);
