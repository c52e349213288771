import { ABSENT, FOUND, MALFORMED, findTopLevel, keyBytes, scalarText, type ValueSpan } from './jsonScan';

function field(line: string, key: string): { result: number; value?: string } {
  const b = Buffer.from(line);
  const span: ValueSpan = { start: 0, end: 0, keyIndex: 0 };
  const result = findTopLevel(b, 0, b.length, keyBytes([key]), span);
  return result === FOUND ? { result, value: scalarText(b, span) } : { result };
}

describe('findTopLevel', () => {
  it('finds top-level keys and never nested ones', () => {
    const line = '{"a":{"level":"nested","b":[1,{"level":"deeper"}]},"s":"x\\"level\\":1","level":"INFO"}';
    expect(field(line, 'level')).toEqual({ result: FOUND, value: 'INFO' });
    expect(field(line, 'b')).toEqual({ result: ABSENT });
    expect(field(line, 'a')).toEqual({ result: FOUND, value: undefined });
  });

  it('renders scalars like Loki json labels', () => {
    const line = ' { "n" : 12.5 , "t":true, "z":null, "u":"caf\\u00e9" } ';
    expect(field(line, 'n').value).toBe('12.5');
    expect(field(line, 't').value).toBe('true');
    expect(field(line, 'z').value).toBe('');
    expect(field(line, 'u').value).toBe('café');
  });

  it('reports malformed input once it reaches the damage', () => {
    expect(field('{"a":1,"b":"unterminated', 'c').result).toBe(MALFORMED);
    expect(field('{"level":"INFO","b":"unterminated', 'level').value).toBe('INFO');
    expect(field('not json', 'a').result).toBe(MALFORMED);
    expect(field('{}', 'a').result).toBe(ABSENT);
  });
});
