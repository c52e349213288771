import { exploreUrl, traceLookupExpr } from './exploreUrl';

describe('exploreUrl', () => {
  it('encodes one pane with the data source, the query and the range', () => {
    const url = exploreUrl(
      { uid: 'kamiwaza-logs', type: 'kamiwaza-logs-datasource' },
      '{source="application"} | level="ERROR"',
      {
        from: 'now-1h',
        to: 'now',
      }
    );

    const [path, search] = url.split('?');
    expect(path).toBe('/explore');
    const params = new URLSearchParams(search);
    expect(params.get('schemaVersion')).toBe('1');
    expect(JSON.parse(params.get('panes')!)).toEqual({
      kamiwaza: {
        datasource: 'kamiwaza-logs',
        queries: [
          {
            refId: 'A',
            datasource: { uid: 'kamiwaza-logs', type: 'kamiwaza-logs-datasource' },
            expr: '{source="application"} | level="ERROR"',
            queryType: 'range',
          },
        ],
        range: { from: 'now-1h', to: 'now' },
      },
    });
  });
});

describe('traceLookupExpr', () => {
  it('searches every source for the trace id', () => {
    expect(traceLookupExpr(' 4bf92f3577b34da6a3ce929d0e0e4736 ')).toBe(
      '{source=~".+"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"'
    );
  });

  it('keeps a hostile id inside its string', () => {
    expect(traceLookupExpr('x" or "1')).toBe('{source=~".+"} | trace_id="x\\" or \\"1"');
  });
});
