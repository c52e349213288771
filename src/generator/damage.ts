/**
 * Rare damage of the kinds real log files carry: lines cut short, invalid UTF-8, binary junk,
 * one huge line. A plan fixes, before writing, which line numbers of a file get which damage,
 * so the rate is exact and the result deterministic.
 */
import { Prng } from './prng';

export type DamageKind = 'truncated' | 'invalid-utf8' | 'binary' | 'long-line' | 'partial-last-line';

/** Files above this size get at least `MIN_PER_FILE` damaged lines (when damage is on). */
export const MIN_DAMAGE_FILE_BYTES = 1024 * 1024;
export const MIN_PER_FILE = 3;
/** Length of the one very long line. */
export const LONG_LINE_BYTES = 200 * 1024;

export type DamageCounts = Partial<Record<DamageKind, number>>;

export interface DamageResult {
  /** The damaged record: text, or raw bytes when it holds invalid UTF-8. */
  text?: string;
  bytes?: Buffer;
}

const INVALID_SEQUENCES = [
  [0xc3, 0x28], // a 2-byte lead followed by ASCII
  [0xff, 0xfe], // bytes that never occur in UTF-8
  [0xe2, 0x82], // a 3-byte sequence cut short
  [0x80], // a lone continuation byte
];

export class DamagePlan {
  readonly counts: DamageCounts = {};
  private readonly positions: number[];
  private readonly kinds: DamageKind[];
  private next = 0;
  private line = 0;

  /**
   * @param expectedLines how many records the file will get (from calibration)
   * @param json whether records are JSON (truncation breaks them) or text (gets binary junk too)
   * @param longLine whether this file carries the run's one very long line
   */
  constructor(
    private readonly rng: Prng,
    expectedLines: number,
    expectedBytes: number,
    rate: number,
    json: boolean,
    longLine: boolean
  ) {
    let count = rate > 0 ? Math.round(expectedLines * rate) : 0;
    if (rate > 0 && expectedBytes > MIN_DAMAGE_FILE_BYTES) {
      count = Math.max(count, MIN_PER_FILE);
    }
    const cycle: DamageKind[] = json ? ['truncated', 'invalid-utf8'] : ['invalid-utf8', 'truncated', 'binary'];
    const span = Math.max(1, Math.floor(expectedLines * 0.9));
    const picked: Array<[number, DamageKind]> = [];
    for (let i = 0; i < count; i++) {
      picked.push([1 + Math.floor(expectedLines * 0.02) + rng.int(span), cycle[i % cycle.length]]);
    }
    if (longLine && rate > 0) {
      picked.push([Math.max(1, Math.floor(expectedLines / 2)), 'long-line']);
    }
    picked.sort((a, b) => a[0] - b[0]);
    this.positions = picked.map((p) => p[0]);
    this.kinds = picked.map((p) => p[1]);
  }

  /** Called for every record in file order: undefined, or the damaged form of `text`. */
  apply(text: string): DamageResult | undefined {
    this.line++;
    if (this.next >= this.positions.length || this.positions[this.next] > this.line) {
      return undefined;
    }
    let result: DamageResult | undefined;
    while (this.next < this.positions.length && this.positions[this.next] <= this.line) {
      const kind = this.kinds[this.next++];
      // Two plans on one line: the first wins.
      if (!result) {
        result = this.damage(kind, text);
        this.counts[kind] = (this.counts[kind] ?? 0) + 1;
      }
    }
    return result;
  }

  private damage(kind: DamageKind, text: string): DamageResult {
    const rng = this.rng;
    switch (kind) {
      case 'truncated': {
        const firstLine = text.indexOf('\n');
        const cut = Math.max(1, Math.floor(firstLine * (0.2 + 0.6 * rng.float())));
        return { text: `${text.slice(0, cut)}\n` };
      }
      case 'invalid-utf8': {
        // Inside a string value, so a reader that replaces bad bytes with U+FFFD still has valid JSON.
        const anchor = ['"message":"', '"request_User-Agent":"', '"actor":"']
          .map((a) => text.indexOf(a))
          .find((i) => i >= 0);
        const at = anchor !== undefined ? text.indexOf('":"', anchor) + 3 + 2 : Math.min(40, text.length - 1);
        const bad = Buffer.from(rng.pick(INVALID_SEQUENCES));
        return { bytes: Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]) };
      }
      case 'binary': {
        // What a crash leaves in a preallocated log: a run of NUL bytes, then the writer resumes.
        return { bytes: Buffer.concat([Buffer.alloc(64 + rng.int(448)), Buffer.from(text)]) };
      }
      case 'long-line':
        return { text: withPayload(text, rng) };
      case 'partial-last-line':
        return { text: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
    }
  }
}

const WORDS = [
  'the',
  'model',
  'context',
  'summarize',
  'contract',
  'clause',
  'customer',
  'latency',
  'report',
  'quarterly',
  'invoice',
  'policy',
  'vector',
  'answer',
  'question',
  'data',
];

/** A JSON record with a ~200 KB `payload` member: a debug dump of a huge prompt. */
function withPayload(text: string, rng: Prng): string {
  let payload = '';
  while (payload.length < LONG_LINE_BYTES) {
    payload += `${rng.pick(WORDS)} `;
  }
  const close = text.lastIndexOf('}');
  return close > 0
    ? `${text.slice(0, close)},"payload":"${payload}"${text.slice(close)}`
    : `${text.slice(0, -1)} ${payload}\n`;
}
