/**
 * Writing log files the way long-running services do: large buffered writes, size-based
 * numbered rotation (`name.1`, `name.2.gz`, ...) and daily rotation to dated gzip siblings
 * (`name.2026-11-20.gz`). Compression runs in zlib's thread pool while generation continues.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { isoDay } from './timefmt';

const CHUNK_BYTES = 4 << 20;

/**
 * A new file, written in big chunks. Records are ASCII (the generator's catalog is, and
 * invalid bytes come through `writeBytes`), so text is copied into the chunk as Latin-1, which
 * skips UTF-8 encoding.
 */
export class FileSink {
  /** Bytes in the file, counting what is still buffered. */
  bytes: number;
  private fd: number;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  constructor(readonly path: string) {
    fs.mkdirSync(path.substring(0, path.lastIndexOf('/')) || '.', { recursive: true });
    this.fd = fs.openSync(path, 'w');
    this.bytes = 0;
  }

  write(text: string): void {
    if (this.used + text.length > CHUNK_BYTES) {
      this.flush();
      if (text.length > CHUNK_BYTES) {
        this.writeBytes(Buffer.from(text, 'latin1'));
        return;
      }
    }
    this.used += this.chunk.write(text, this.used, 'latin1');
    this.bytes += text.length;
  }

  writeBytes(bytes: Buffer): void {
    this.flush();
    fs.writeSync(this.fd, bytes);
    this.bytes += bytes.length;
  }

  flush(): void {
    let done = 0;
    while (done < this.used) {
      done += fs.writeSync(this.fd, this.chunk, done, this.used - done);
    }
    this.used = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** Compresses `src` into `dst` and removes `src`. */
export async function gzipFile(src: string, dst: string): Promise<void> {
  await pipeline(fs.createReadStream(src), zlib.createGzip({ level: 6 }), fs.createWriteStream(dst));
  await fs.promises.unlink(src);
}

/** A file a record goes to; `ts` (epoch µs) lets dated rotation pick the day. */
export interface LogFile {
  readonly path: string;
  write(text: string, ts: number): void;
  writeBytes(bytes: Buffer, ts: number): void;
  /** Pushes buffered text to disk (live tailing sees it). */
  flush(): void;
  /** Rotates if due; resolves when it is safe to write again. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

/** A file without rotation; the rotating kinds extend it. */
export class PlainFile implements LogFile {
  protected sink: FileSink;

  constructor(readonly path: string) {
    this.sink = new FileSink(path);
  }

  write(text: string, _ts?: number): void {
    this.sink.write(text);
  }

  writeBytes(bytes: Buffer, _ts?: number): void {
    this.sink.writeBytes(bytes);
  }

  flush(): void {
    this.sink.flush();
  }

  async maintain(): Promise<void> {}

  async close(): Promise<void> {
    this.sink.close();
  }
}

export const numberedName = (file: string, n: number) => (n === 1 ? `${file}.1` : `${file}.${n}.gz`);

/**
 * Size-based rotation, logrotate style with delaycompress: the live file becomes `.1`, the
 * previous `.1` becomes `.2` and is compressed to `.2.gz`, older ones shift up; none beyond `.keep`.
 */
export class NumberedFile extends PlainFile {
  private compressing: Promise<void> = Promise.resolve();
  rotations = 0;

  constructor(
    path: string,
    private readonly thresholdBytes: number,
    private readonly keep = 10
  ) {
    super(path);
  }

  async maintain(): Promise<void> {
    if (this.sink.bytes < this.thresholdBytes) {
      return;
    }
    // The previous `.2` must be compressed before names shift again.
    await this.compressing;
    this.sink.close();
    const p = this.path;
    await removeIfExists(numberedName(p, this.keep));
    for (let n = this.keep - 1; n >= 2; n--) {
      await renameIfExists(numberedName(p, n), numberedName(p, n + 1));
    }
    const hadOne = await renameIfExists(`${p}.1`, `${p}.2`);
    fs.renameSync(p, `${p}.1`);
    this.sink = new FileSink(p);
    this.rotations++;
    if (hadOne) {
      this.compressing = gzipFile(`${p}.2`, `${p}.2.gz`);
    }
  }

  async close(): Promise<void> {
    await super.close();
    await this.compressing;
  }
}

/** Daily rotation: at the first record of a new UTC day the live file becomes `name.YYYY-MM-DD.gz`. */
export class DatedFile extends PlainFile {
  private day: string | undefined;
  private readonly jobs: Array<Promise<void>> = [];

  private dayOf(ts: number): void {
    const day = isoDay(ts);
    if (this.day === undefined) {
      this.day = day;
    } else if (day > this.day) {
      this.sink.close();
      const dated = `${this.path}.${this.day}`;
      fs.renameSync(this.path, dated);
      this.jobs.push(gzipFile(dated, `${dated}.gz`));
      this.sink = new FileSink(this.path);
      this.day = day;
    }
  }

  write(text: string, ts: number): void {
    this.dayOf(ts);
    super.write(text);
  }

  writeBytes(bytes: Buffer, ts: number): void {
    this.dayOf(ts);
    super.writeBytes(bytes);
  }

  async close(): Promise<void> {
    await super.close();
    await Promise.all(this.jobs);
  }
}

async function renameIfExists(from: string, to: string): Promise<boolean> {
  try {
    await fs.promises.rename(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw e;
  }
}

async function removeIfExists(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
}

/** The file and every rotated sibling of it, as they exist in its directory. */
export function siblingsOf(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${escaped}(\\.\\d+|\\.\\d{4}-\\d{2}-\\d{2})?(\\.gz)?$`);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => re.test(e)).map((e) => path.join(dir, e));
}
