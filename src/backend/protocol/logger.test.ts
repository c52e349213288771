import { createHclogLogger, hclogTimestamp, type LogLevel, logLevelFromEnv } from './logger';

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const logger = createHclogLogger({
    level,
    write: (line) => lines.push(line),
    now: () => new Date('2026-08-20T12:40:12.123Z'),
  });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line)) };
}

/** The layout go-plugin parses: 2006-01-02T15:04:05.000000Z07:00 */
const HCLOG_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;

describe('hclog logger', () => {
  it('writes one JSON object per line with string @level, @message and a 6-digit @timestamp', () => {
    const { logger, lines, parsed } = capture('trace');
    logger.info('query done', { refId: 'A', rows: 42 });
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trimEnd()).not.toContain('\n');
    expect(parsed()[0]).toEqual({
      '@level': 'info',
      '@message': 'query done',
      '@timestamp': '2026-08-20T12:40:12.123000Z',
      refId: 'A',
      rows: 42,
    });
    expect(parsed()[0]['@timestamp']).toMatch(HCLOG_TIME);
    expect(hclogTimestamp(new Date())).toMatch(HCLOG_TIME);
  });

  it('uses exactly the level names Grafana recognises', () => {
    const { logger, parsed } = capture('trace');
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((entry) => entry['@level'])).toEqual(['trace', 'debug', 'info', 'warn', 'error']);
  });

  it('drops lines below the configured level', () => {
    const { logger, parsed } = capture('warn');
    logger.debug('hidden');
    logger.info('hidden');
    logger.warn('shown');
    expect(parsed().map((entry) => entry['@message'])).toEqual(['shown']);
    expect(logger.enabled('info')).toBe(false);
    expect(logger.enabled('error')).toBe(true);
  });

  it('keeps reserved keys as strings whatever the fields say, and serialises errors and bigints', () => {
    const { logger, parsed } = capture();
    logger
      .with({ '@module': 'datasource', uid: 'u1' })
      .error('boom', { '@level': 42, '@message': null, error: new Error('bad'), big: BigInt(7) });
    const [entry] = parsed();
    expect(entry['@level']).toBe('error');
    expect(entry['@message']).toBe('boom');
    expect(entry['@module']).toBe('datasource');
    expect(entry.uid).toBe('u1');
    expect(entry.level).toBe(42);
    expect(entry.error).toContain('Error: bad');
    expect(entry.big).toBe('7');
  });

  it('survives circular fields and keeps lines under go-plugin’s 64 KiB line buffer', () => {
    const { logger, lines, parsed } = capture();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.info('x'.repeat(200_000), { circular, big: 'y'.repeat(200_000) });
    expect(Buffer.byteLength(lines[0])).toBeLessThan(64 * 1024);
    expect(parsed()[0]['@level']).toBe('info');
  });

  it('reads the level from GF_PLUGIN_LOG_LEVEL, defaulting to debug', () => {
    expect(logLevelFromEnv({ GF_PLUGIN_LOG_LEVEL: 'INFO' })).toBe('info');
    expect(logLevelFromEnv({ GF_PLUGIN_LOG_LEVEL: 'warning' })).toBe('warn');
    expect(logLevelFromEnv({ GF_PLUGIN_LOG_LEVEL: 'loud' })).toBe('debug');
    expect(logLevelFromEnv({})).toBe('debug');
  });
});
