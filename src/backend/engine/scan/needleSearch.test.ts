import { NeedleSearch, PROBE_BYTES } from './needleSearch';

/** Every index of `needle` in `buf`, found one after the other from `from` (as the scans do). */
function allHits(find: (from: number) => number, length: number): number[] {
  const hits: number[] = [];
  for (let at = find(0); at >= 0 && at < length; at = find(at + 1)) {
    hits.push(at);
  }
  return hits;
}

function expectSameAsIndexOf(buf: Buffer, needle: Buffer, search = new NeedleSearch(needle)): void {
  expect(allHits((from) => search.indexIn(buf, from), buf.length)).toEqual(
    allHits((from) => buf.indexOf(needle, from), buf.length)
  );
}

const TRACE = Buffer.from('c79ba249d64f9076b7babdd9712048ef');

describe('NeedleSearch', () => {
  it('finds a long needle where indexOf does, near misses and the buffer edges included', () => {
    const nearMiss = Buffer.concat([TRACE.subarray(0, PROBE_BYTES), Buffer.from('0000000000000000')]);
    const buf = Buffer.concat([
      TRACE,
      Buffer.from('{"msg":"x"}\n'),
      nearMiss,
      Buffer.from('\n'),
      TRACE,
      TRACE,
      Buffer.from(' '),
      TRACE.subarray(0, TRACE.length - 1), // cut at the end: its probe hits, the needle does not fit
    ]);
    expectSameAsIndexOf(buf, TRACE);
    expect(new NeedleSearch(TRACE).indexIn(buf, 1)).toBe(buf.indexOf(TRACE, 1));
  });

  it('agrees with indexOf on random bytes of a small alphabet, for needles of every length', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const needle = Buffer.from(Array.from({ length: 1 + random(40) }, () => 97 + random(2)));
      const buf = Buffer.from(Array.from({ length: random(400) }, () => 97 + random(2)));
      expectSameAsIndexOf(buf, needle);
    }
  });

  it('looks for the needle whole once its probe hits far more often than the needle', () => {
    // Each line holds every 16-byte part of the needle, never the whole needle.
    const needle = Buffer.from('"service_name":"kamiwaza-core","msg":"ready"');
    const text = needle.toString();
    const line = Buffer.from(`{${text.slice(0, -1)}x} {x${text.slice(1)}}\n`);
    const buf = Buffer.concat([...Array.from({ length: 2000 }, () => line), needle, Buffer.from('\n')]);
    const search = new NeedleSearch(needle);
    expectSameAsIndexOf(buf, needle, search);
    expect(search.probing).toBe(false);
  });

  it('keeps probing while probe hits that are not the needle are rare', () => {
    const filler = Buffer.alloc(256 << 10, 'x');
    const chunks = Array.from({ length: 80 }, (_, k) =>
      Buffer.concat([filler, k % 2 === 0 ? TRACE : TRACE.subarray(0, PROBE_BYTES + 1)])
    );
    const buf = Buffer.concat(chunks);
    const search = new NeedleSearch(TRACE);
    expectSameAsIndexOf(buf, TRACE, search);
    expect(search.probing).toBe(true);
  });

  it('searches short needles as indexOf does', () => {
    const buf = Buffer.from('level=error msg=a\nlevel=warn\nerror');
    expectSameAsIndexOf(buf, Buffer.from('error'));
    expect(new NeedleSearch(Buffer.from('error')).probing).toBe(false);
  });
});
