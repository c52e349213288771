/**
 * The help texts of `kamiwaza-logs`: one overview and one page per command (`help query`,
 * `query --help`), and the one usage line a usage error shows.
 */
import { COMMAND_NAMES, DEFAULT_LIMIT, DEFAULT_SINCE, type CommandName } from './args';

const OPTION_LINES = {
  dir: '--dir DIR          log root (repeatable); default $KAMIWAZA_LOG_DIR, else $KAMIWAZA_ROOT/logs',
  accessLog: '--access-log PATH  Traefik access log (absolute, or relative to a root or $KAMIWAZA_ROOT)',
  from: '--from TIME        range start: 2026-12-01, 2026-12-01T10:00:00Z, an epoch, now-2h',
  to: '--to TIME          range end (default now); same forms as --from',
  since: `--since DUR        range length before --to when --from is absent (default ${DEFAULT_SINCE}): 15m, 6h, 7d`,
  instant: '--instant          evaluate a metric query once, at --to (as Loki’s /query)',
  limit: `--limit N          maximum log lines (default ${DEFAULT_LIMIT})`,
  direction: '--direction D      backward (newest first, default) or forward (oldest first)',
  step: '--step DUR         metric resolution (default: Loki’s, the range / 250, at least 1s)',
  output: '--output FMT       table (default), jsonl, or loki-json (the body of Loki’s HTTP API)',
  help: '-h, --help         this text',
} as const;

type OptionKey = keyof typeof OPTION_LINES;
const RANGE: OptionKey[] = ['from', 'to', 'since'];
const PLACE: OptionKey[] = ['dir', 'accessLog'];

interface CommandHelp {
  synopsis: string;
  summary: string;
  options: OptionKey[];
  notes?: string;
  examples: string[];
}

const COMMANDS: Record<CommandName, CommandHelp> = {
  query: {
    synopsis: "kamiwaza-logs query '<LogQL>' [options]",
    summary: 'run a log or metric query',
    options: [...PLACE, ...RANGE, 'instant', 'limit', 'direction', 'step', 'output', 'help'],
    notes:
      'When nothing matches, stderr says why: which labels exist, whether the selector matched a\n' +
      'stream, and what time range the files cover.',
    examples: [
      `kamiwaza-logs query '{source="application"} | level="ERROR"' --since 1d`,
      `kamiwaza-logs query 'sum by (service_name) (count_over_time({source="application"} | level="ERROR" [1h]))' --since 1d --step 1h`,
      `kamiwaza-logs query 'topk(5, sum by (service_name) (count_over_time({source="application"}[1d])))' --instant`,
    ],
  },
  labels: {
    synopsis: 'kamiwaza-logs labels [options]',
    summary: 'stream label names in the range (as Loki’s /labels)',
    options: [...PLACE, ...RANGE, 'output', 'help'],
    examples: ['kamiwaza-logs labels --since 7d'],
  },
  'label-values': {
    synopsis: 'kamiwaza-logs label-values NAME [options]',
    summary: 'values of one label in the range',
    options: [...PLACE, ...RANGE, 'output', 'help'],
    examples: ['kamiwaza-logs label-values service_name --since 7d'],
  },
  tail: {
    synopsis: "kamiwaza-logs tail '<LogQL>' [options]",
    summary: 'follow new lines as they are written (Ctrl-C stops)',
    options: [...PLACE, 'from', 'since', 'output', 'help'],
    notes: 'With --from or --since, lines from that time on are printed first.',
    examples: [
      `kamiwaza-logs tail '{source="kamiwazad"}'`,
      `kamiwaza-logs tail '{source="application"} |= "ERROR"' --since 5m`,
    ],
  },
  sources: {
    synopsis: 'kamiwaza-logs sources [options]',
    summary: 'the log files found, their time ranges and their problems',
    options: [...PLACE, 'output', 'help'],
    notes: '--output table (default) prints one row per file, jsonl one object per source, loki-json one array.',
    examples: ['kamiwaza-logs sources --dir /opt/kamiwaza/logs'],
  },
};

const EXIT_STATUS =
  'Exit status: 0 ok (also when nothing matched: stderr says why), 1 the query failed,\n' +
  '2 usage error, 3 no readable log directory or no Kamiwaza log file in it.';

export function generalHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => COMMANDS[name].synopsis.length));
  return [
    'kamiwaza-logs: LogQL over the Kamiwaza log directory',
    '',
    'Usage:',
    ...COMMAND_NAMES.map((name) => `  ${COMMANDS[name].synopsis.padEnd(width)}  ${COMMANDS[name].summary}`),
    '  kamiwaza-logs help COMMAND'.padEnd(width + 2) + '  the options of one command',
    '  kamiwaza-logs --version'.padEnd(width + 2) + '  the version',
    '',
    'Times without a zone are UTC. The range defaults to the last hour.',
    EXIT_STATUS,
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const command = COMMANDS[name];
  return [
    `Usage: ${command.synopsis}`,
    '',
    `${name}: ${command.summary}.`,
    '',
    'Options:',
    ...command.options.map((key) => `  ${OPTION_LINES[key]}`),
    ...(command.notes ? ['', command.notes] : []),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    EXIT_STATUS,
  ].join('\n');
}

/** What a usage error prints after its message: the relevant usage line and where help is. */
export function usageHint(name: CommandName | undefined): string {
  return name
    ? `Usage: ${COMMANDS[name].synopsis}\nRun 'kamiwaza-logs help ${name}' for its options.`
    : `Commands: ${COMMAND_NAMES.join(', ')}\nRun 'kamiwaza-logs --help' for usage.`;
}
