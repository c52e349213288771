/**
 * Routes the simulation's records to the files. Each file has its own writer in a real system,
 * so each gets a reorder buffer: records are written when their writer would have written them
 * (application events a few ms to ~1 s late, access entries at request completion), which gives
 * the small timestamp disorder real files have. Rendering happens only for selected files.
 */
import * as path from 'node:path';
import type { AccessFormat, FileId } from './args';
import { DamageCounts, DamagePlan } from './damage';
import { DatedFile, LogFile, NumberedFile, PlainFile } from './files';
import { KeyedHeap } from './heap';
import { Prng } from './prng';
import type { AccessEntry, AppEvent, AuditEvent, DaemonLine } from './records';
import { accessClf, accessJson, appJson, appText, auditJson, daemonText } from './render';

/** Where the simulation puts records. */
export interface EventSink {
  app(e: AppEvent): void;
  access(a: AccessEntry): void;
  audit(a: AuditEvent): void;
  daemon(d: DaemonLine): void;
}

export const ACCESS_FILE: FileId = 'kamiwaza/traefik/access.log';

export interface FileStats {
  file: FileId;
  bytes: number;
  lines: number;
  damage: DamageCounts;
}

/** Counts what each selected file would receive; used to calibrate rates before writing. */
export class CountingSink implements EventSink {
  readonly bytes = new Map<FileId, number>();
  readonly lines = new Map<FileId, number>();

  constructor(
    private readonly files: ReadonlySet<FileId>,
    private readonly accessFormat: AccessFormat
  ) {}

  private add(file: FileId, text: string): void {
    if (this.files.has(file)) {
      this.bytes.set(file, (this.bytes.get(file) ?? 0) + text.length);
      this.lines.set(file, (this.lines.get(file) ?? 0) + 1);
    }
  }

  app(e: AppEvent): void {
    this.add('application.jsonl', appJson(e));
    this.add('application.log', appText(e));
  }

  access(a: AccessEntry): void {
    this.add(ACCESS_FILE, this.accessFormat === 'json' ? accessJson(a) : accessClf(a));
  }

  audit(a: AuditEvent): void {
    this.add('audit-events.jsonl', auditJson(a));
  }

  daemon(d: DaemonLine): void {
    this.add(d.file, daemonText(d));
  }

  total(): number {
    let sum = 0;
    this.bytes.forEach((b) => (sum += b));
    return sum;
  }
}

/** One output file: damage, the hold-back of the last record, counters. */
class Channel {
  lines = 0;
  /** Uncompressed bytes written (rotated siblings included). */
  bytes = 0;
  private held: { text: string; ts: number } | undefined;

  constructor(
    readonly id: FileId,
    readonly file: LogFile,
    private readonly damage: DamagePlan | undefined,
    /** Keep the latest record back so the last one can be written without its newline. */
    private readonly holdLast: boolean
  ) {}

  put(text: string, ts: number): void {
    if (this.holdLast) {
      const previous = this.held;
      this.held = { text, ts };
      if (previous) {
        this.emit(previous.text, previous.ts);
      }
    } else {
      this.emit(text, ts);
    }
  }

  private emit(text: string, ts: number): void {
    this.lines++;
    const damaged = this.damage?.apply(text);
    if (!damaged) {
      this.bytes += text.length;
      this.file.write(text, ts);
    } else if (damaged.bytes) {
      this.bytes += damaged.bytes.length;
      this.file.writeBytes(damaged.bytes, ts);
    } else {
      this.bytes += damaged.text!.length;
      this.file.write(damaged.text!, ts);
    }
  }

  flush(): void {
    this.file.flush();
  }

  /** Writes the held record, cut in half without its newline when `partial` (a writer caught mid-line). */
  async close(partial: boolean): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) {
      if (partial) {
        const cut = held.text.slice(0, Math.max(1, Math.floor(held.text.length / 2)));
        this.lines++;
        this.bytes += cut.length;
        this.file.write(cut, held.ts);
        if (this.damage) {
          this.damage.counts['partial-last-line'] = 1;
        }
      } else {
        this.emit(held.text, held.ts);
      }
    }
    await this.file.close();
  }

  damageCounts(): DamageCounts {
    return this.damage?.counts ?? {};
  }
}

export interface FileOutputOptions {
  dir: string;
  files: readonly FileId[];
  accessFormat: AccessFormat;
  /** Rotate application.jsonl at this size; undefined = no rotation. */
  rotateBytes?: number;
  damage: ReadonlyMap<FileId, DamagePlan>;
  partialLastLine: boolean;
  rng: Prng;
}

/** Writes records to the files, each through its reorder buffer. */
export class FileOutput implements EventSink {
  private readonly channels = new Map<FileId, Channel>();
  private readonly appHeap = new KeyedHeap<AppEvent>();
  private readonly accessHeap = new KeyedHeap<AccessEntry>();
  private readonly auditHeap = new KeyedHeap<AuditEvent>();
  private readonly daemonHeap = new KeyedHeap<DaemonLine>();
  private readonly appJson?: Channel;
  private readonly appText?: Channel;
  private readonly accessOut?: Channel;
  private readonly auditOut?: Channel;
  private readonly wantsDaemon: boolean;

  constructor(private readonly opts: FileOutputOptions) {
    for (const id of opts.files) {
      const file = path.join(opts.dir, id);
      let out: LogFile;
      if (id === 'application.jsonl' && opts.rotateBytes !== undefined) {
        out = new NumberedFile(file, opts.rotateBytes);
      } else if (id.startsWith('kamiwazad')) {
        out = new DatedFile(file);
      } else {
        out = new PlainFile(file);
      }
      this.channels.set(
        id,
        new Channel(id, out, opts.damage.get(id), id === 'application.jsonl' && opts.partialLastLine)
      );
    }
    this.appJson = this.channels.get('application.jsonl');
    this.appText = this.channels.get('application.log');
    this.accessOut = this.channels.get(ACCESS_FILE);
    this.auditOut = this.channels.get('audit-events.jsonl');
    this.wantsDaemon = opts.files.some((f) => f.startsWith('kamiwazad'));
  }

  /** How late a concurrent writer gets a record to disk: mostly a few ms, rarely up to ~1.5 s. */
  private lag(): number {
    const r = this.opts.rng.float();
    if (r < 0.9) {
      return r * 2_000;
    }
    return r < 0.99 ? 2_000 + (r - 0.9) * 500_000 : 50_000 + (r - 0.99) * 145_000_000;
  }

  app(e: AppEvent): void {
    if (this.appJson || this.appText) {
      this.appHeap.push(e.ts + this.lag(), e);
    }
  }

  access(a: AccessEntry): void {
    if (this.accessOut) {
      // Traefik writes the entry when the response completes.
      this.accessHeap.push(a.startUs + a.durationUs + 200, a);
    }
  }

  audit(a: AuditEvent): void {
    if (this.auditOut) {
      this.auditHeap.push(a.ts + 500, a);
    }
  }

  daemon(d: DaemonLine): void {
    if (this.wantsDaemon && this.channels.has(d.file)) {
      this.daemonHeap.push(d.file === 'kamiwazad-core.log' ? d.ts + this.lag() : d.ts, d);
    }
  }

  /** Writes every record its writer would have written by `untilUs`. */
  advance(untilUs: number): void {
    const { appHeap, accessHeap, auditHeap, daemonHeap } = this;
    while (appHeap.size && appHeap.peekKey() <= untilUs) {
      const e = appHeap.pop()!;
      this.appJson?.put(appJson(e), e.ts);
      this.appText?.put(appText(e), e.ts);
    }
    const access = this.accessOut;
    if (access) {
      const render = this.opts.accessFormat === 'json' ? accessJson : accessClf;
      while (accessHeap.size && accessHeap.peekKey() <= untilUs) {
        const a = accessHeap.pop()!;
        access.put(render(a), a.startUs);
      }
    }
    while (auditHeap.size && auditHeap.peekKey() <= untilUs) {
      const a = auditHeap.pop()!;
      this.auditOut!.put(auditJson(a), a.ts);
    }
    while (daemonHeap.size && daemonHeap.peekKey() <= untilUs) {
      const d = daemonHeap.pop()!;
      this.channels.get(d.file)!.put(daemonText(d), d.ts);
    }
  }

  /** Makes written records visible on disk. */
  flush(): void {
    this.channels.forEach((c) => c.flush());
  }

  /** Rotates files that are due. */
  async maintain(): Promise<void> {
    for (const c of this.channels.values()) {
      await c.file.maintain();
    }
  }

  /** Writes everything still buffered and closes the files (waits for compression). */
  async close(): Promise<void> {
    this.advance(Infinity);
    for (const c of this.channels.values()) {
      await c.close(this.opts.partialLastLine);
    }
  }

  stats(): FileStats[] {
    return [...this.channels.values()].map((c) => ({
      file: c.id,
      bytes: c.bytes,
      lines: c.lines,
      damage: c.damageCounts(),
    }));
  }
}
