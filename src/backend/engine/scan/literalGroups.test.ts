/** One literal of each group per line: in order, out of order, and across buffers. */
import { LiteralGroups } from './literalGroups';

const groups = (...texts: string[][]) => texts.map((group) => group.map((t) => Buffer.from(t)));

/** The lines of `buf` (split at each newline) as [start, end) byte ranges. */
function lineRanges(buf: Buffer): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let s = 0;
  for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, s)) {
    ranges.push([s, nl]);
    s = nl + 1;
  }
  ranges.push([s, buf.length]);
  return ranges;
}

/** Whether a line's text holds one literal of each group, read off the text itself. */
const expected = (line: string, texts: string[][]) => texts.every((group) => group.some((t) => line.includes(t)));

it('finds the lines that hold one literal of each group, forward, backward and in any order', () => {
  const texts = [['restarting container', 'retrying'], ['id=']];
  const lines = [
    'restarting container id=1',
    'nothing here',
    'retrying once',
    'retrying id=2 then restarting container',
    'id= alone',
    'restarting contai',
    'ner id=3 retrying',
  ];
  const buf = Buffer.from(lines.join('\n'));
  const ranges = lineRanges(buf);
  const want = lines.map((line) => expected(line, texts));
  const forward = new LiteralGroups(groups(...texts));
  expect(ranges.map(([s, e]) => forward.passes(buf, s, e))).toEqual(want);
  const backward = new LiteralGroups(groups(...texts));
  expect([...ranges].reverse().map(([s, e]) => backward.passes(buf, s, e))).toEqual([...want].reverse());
  const shuffled = [3, 0, 6, 1, 5, 2, 4];
  const anyOrder = new LiteralGroups(groups(...texts));
  expect(shuffled.map((k) => anyOrder.passes(buf, ...ranges[k]))).toEqual(shuffled.map((k) => want[k]));
});

it('starts afresh for another buffer, even one whose lines come later', () => {
  const check = new LiteralGroups(groups(['needle']));
  const first = Buffer.from('hay\nhay needle\nhay');
  expect(lineRanges(first).map(([s, e]) => check.passes(first, s, e))).toEqual([false, true, false]);
  // The same positions in a new buffer: what the first buffer held there must not count.
  const second = Buffer.from('needle\nhay hay hay\nneedle');
  expect(lineRanges(second).map(([s, e]) => check.passes(second, s, e))).toEqual([true, false, true]);
});

it('agrees with a line-by-line search on random lines', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const words = ['ab', 'abc', 'b', 'ca', 'x', 'abab'];
  const texts = [['abc', 'ca'], ['x'], ['bab', 'b']];
  for (let round = 0; round < 50; round++) {
    const lines = Array.from({ length: 30 }, () =>
      Array.from({ length: Math.floor(random() * 5) }, () => words[Math.floor(random() * words.length)]).join('')
    );
    const buf = Buffer.from(lines.join('\n'));
    const check = new LiteralGroups(groups(...texts));
    const got = lineRanges(buf).map(([s, e]) => check.passes(buf, s, e));
    expect([round, got]).toEqual([round, lines.map((line) => expected(line, texts))]);
  }
});
