import { parseCommand, UsageError } from './args';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const env = { KAMIWAZA_ROOT: '/srv/kamiwaza' };

describe('kamiwaza-logs arguments', () => {
  it('defaults the log root to $KAMIWAZA_ROOT/logs and the range to the last hour before now', () => {
    const command = parseCommand(['query', '{source="application"}'], env, NOW);
    expect(command).toMatchObject({
      kind: 'query',
      store: { roots: ['/srv/kamiwaza/logs'] },
      startMs: NOW - 3_600_000,
      endMs: NOW,
      limit: 100,
      direction: 'backward',
      instant: false,
      output: 'table',
    });
  });

  it('prefers --dir, then $KAMIWAZA_LOG_DIR', () => {
    expect(parseCommand(['labels', '--dir', '/a', '--dir', '/b'], env, NOW)).toMatchObject({
      store: { roots: ['/a', '/b'] },
    });
    expect(parseCommand(['labels'], { ...env, KAMIWAZA_LOG_DIR: '/var/log/k' }, NOW)).toMatchObject({
      store: { roots: ['/var/log/k'] },
    });
  });

  it('reads --from/--to as ISO (zone-less = UTC), --since, --step and the output options', () => {
    const command = parseCommand(
      [
        'query',
        'x',
        '--from',
        '2026-11-20T10:00:00',
        '--to',
        '2026-11-20T11:00:00Z',
        '--step',
        '5m',
        '--output',
        'loki-json',
        '--instant',
      ],
      env,
      NOW
    );
    expect(command).toMatchObject({
      startMs: Date.parse('2026-11-20T10:00:00Z'),
      endMs: Date.parse('2026-11-20T11:00:00Z'),
      stepMs: 300_000,
      output: 'loki-json',
      instant: true,
    });
    expect(parseCommand(['query', 'x', '--since', '7d'], env, NOW)).toMatchObject({ startMs: NOW - 7 * 86_400_000 });
  });

  it('replays a tail only when a start is given', () => {
    expect(parseCommand(['tail', 'x'], env, NOW)).toMatchObject({ kind: 'tail', startMs: undefined });
    expect(parseCommand(['tail', 'x', '--since', '5m'], env, NOW)).toMatchObject({ startMs: NOW - 300_000 });
  });

  it.each([
    [['query'], /one LogQL argument/],
    [['query', 'x', '--limit', '0'], /--limit/],
    [['query', 'x', '--direction', 'up'], /--direction/],
    [['query', 'x', '--output', 'xml'], /--output/],
    [['query', 'x', '--since', 'soon'], /--since/],
    [['query', 'x', '--from', 'tomorrow'], /--from/],
    [['query', 'x', '--from', '2026-11-20T11:00:00Z', '--to', '2026-11-20T10:00:00Z'], /range is empty/],
    [['frobnicate'], /unknown command/],
    [['query', 'x', '--bogus'], /bogus/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseCommand(argv, env, NOW)).toThrow(UsageError);
    expect(() => parseCommand(argv, env, NOW)).toThrow(message);
  });

  it('answers help: the overview for help and -h, a command’s page for help CMD and CMD --help', () => {
    expect(parseCommand(['help'], env, NOW)).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'], env, NOW)).toEqual({ kind: 'help' });
    expect(parseCommand(['help', 'query'], env, NOW)).toEqual({ kind: 'help', topic: 'query' });
    expect(parseCommand(['query', 'x', '-h'], env, NOW)).toEqual({ kind: 'help', topic: 'query' });
    expect(parseCommand(['sources', '--help'], env, NOW)).toEqual({ kind: 'help', topic: 'sources' });
    expect(parseCommand(['--version'], env, NOW)).toEqual({ kind: 'version' });
    expect(() => parseCommand(['help', 'frob'], env, NOW)).toThrow(/no help for "frob"/);
  });

  it('needs a command: no arguments is a usage error without a command to name', () => {
    expect(() => parseCommand([], env, NOW)).toThrow(expect.objectContaining({ command: undefined }));
  });

  it('names the command in a usage error, so only its usage line is shown', () => {
    expect(() => parseCommand(['query', 'x', '--limit', '-1'], env, NOW)).toThrow(
      expect.objectContaining({ command: 'query', message: expect.stringMatching(/--limit: "-1" is not a positive/) })
    );
    expect(() => parseCommand(['labels', '--bogus'], env, NOW)).toThrow(
      expect.objectContaining({ command: 'labels', message: 'unknown option --bogus' })
    );
  });

  it('takes values that start with a dash, and rejects negative ones with a message of their own', () => {
    expect(() => parseCommand(['query', 'x', '--since', '-1h'], env, NOW)).toThrow(/--since: "-1h" is negative/);
    expect(() => parseCommand(['query', 'x', '--from', '-1h'], env, NOW)).toThrow(/write now-1h/);
    expect(() => parseCommand(['query', 'x', '--limit', '-5'], env, NOW)).toThrow(/--limit: "-5"/);
  });

  it('reads plain dates as midnight UTC and now±duration relative to the clock', () => {
    expect(parseCommand(['query', 'x', '--from', '2026-11-19', '--to', '2026-11-20'], env, NOW)).toMatchObject({
      startMs: Date.parse('2026-11-19T00:00:00Z'),
      endMs: Date.parse('2026-11-20T00:00:00Z'),
    });
    expect(parseCommand(['query', 'x', '--from', 'now-2h', '--to', 'now-30m'], env, NOW)).toMatchObject({
      startMs: NOW - 7_200_000,
      endMs: NOW - 1_800_000,
    });
    expect(parseCommand(['query', 'x', '--from', '2026-11-20 10:30'], env, NOW)).toMatchObject({
      startMs: Date.parse('2026-11-20T10:30:00Z'),
      endMs: NOW,
    });
    expect(() => parseCommand(['query', 'x', '--from', 'now-soon'], env, NOW)).toThrow(/"soon" is not a duration/);
    expect(() => parseCommand(['query', 'x', '--from', 'now-1h', '--since', '1h'], env, NOW)).toThrow(/not both/);
  });

  it('says where the log roots came from', () => {
    expect(parseCommand(['labels', '--dir', '/a'], env, NOW)).toMatchObject({ store: { rootsFrom: '--dir' } });
    expect(parseCommand(['labels'], { KAMIWAZA_LOG_DIR: '/l' }, NOW)).toMatchObject({
      store: { rootsFrom: 'KAMIWAZA_LOG_DIR' },
    });
    expect(parseCommand(['labels'], env, NOW)).toMatchObject({ store: { rootsFrom: 'KAMIWAZA_ROOT' } });
    expect(parseCommand(['labels'], {}, NOW)).toMatchObject({
      store: { rootsFrom: 'default', roots: ['/opt/kamiwaza/logs'] },
    });
  });
});
