import { logDirsFor, parseSettings } from './settings';

describe('parseSettings', () => {
  it('reads the known keys and drops values of the wrong type', () => {
    expect(
      parseSettings(
        Buffer.from(
          JSON.stringify({
            logDirs: [' /a ', 3, '', '/b'],
            maxLines: '500',
            queryTimeoutSeconds: -1,
            tracesDatasourceUid: 'tempo',
            extra: true,
          })
        )
      )
    ).toEqual({
      logDirs: ['/a', '/b'],
      accessLogPath: undefined,
      maxLines: 500,
      queryTimeoutSeconds: undefined,
      maxBytesScanned: undefined,
      tracesDatasourceUid: 'tempo',
    });
  });

  it('treats empty jsonData as no settings and rejects non-object JSON with a clear error', () => {
    expect(parseSettings(Buffer.alloc(0))).toEqual({});
    expect(() => parseSettings(Buffer.from('{oops'))).toThrow(/not valid JSON/);
    expect(() => parseSettings(Buffer.from('[1]'))).toThrow(/JSON object/);
  });
});

describe('logDirsFor', () => {
  it('prefers settings, then KAMIWAZA_LOG_DIR, then KAMIWAZA_ROOT/logs, then /opt/kamiwaza/logs, all absolute', () => {
    expect(logDirsFor({ logDirs: ['/var/log/a', 'rel'] }, { KAMIWAZA_LOG_DIR: '/ignored' })).toEqual([
      '/var/log/a',
      expect.stringMatching(/^\/.*\/rel$/),
    ]);
    expect(logDirsFor({}, { KAMIWAZA_LOG_DIR: '/srv/logs', KAMIWAZA_ROOT: '/ignored' })).toEqual(['/srv/logs']);
    expect(logDirsFor({}, { KAMIWAZA_ROOT: '/srv/kamiwaza/' })).toEqual(['/srv/kamiwaza/logs']);
    expect(logDirsFor({}, {})).toEqual(['/opt/kamiwaza/logs']);
  });
});
