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

  it('answers help for no command, help and -h', () => {
    for (const argv of [[], ['help'], ['query', 'x', '-h']]) {
      expect(parseCommand(argv, env, NOW)).toEqual({ kind: 'help' });
    }
  });
});
