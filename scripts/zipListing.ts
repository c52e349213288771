/**
 * Reads a zip archive's central directory (entry names, sizes, Unix modes: what Grafana's plugin
 * installer and loader see) and an entry's content. Used by `npm run package` to check its own
 * output and by the package layout test, without depending on `zipinfo`/`unzip` being installed.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** Unix mode bits (type and permissions) as stored by a Unix zip; 0 when made elsewhere. */
  mode: number;
  compressedSize: number;
  size: number;
  /** 0 stored, 8 deflated. */
  method: number;
  /** Offset of the entry's local header. */
  offset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MADE_ON_UNIX = 3;

export function readZipListing(file: string): ZipEntry[] {
  const data = fs.readFileSync(file);
  // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  let end = -1;
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (data.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    throw new Error(`${file} is not a zip archive (no end of central directory record)`);
  }
  const count = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new Error(`${file}: central directory entry ${i} is damaged`);
    }
    const madeBy = data.readUInt8(at + 5);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const external = data.readUInt32LE(at + 38);
    entries.push({
      name: data.toString('utf8', at + 46, at + 46 + nameLength),
      mode: madeBy === MADE_ON_UNIX ? external >>> 16 : 0,
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      method: data.readUInt16LE(at + 10),
      offset: data.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of one entry (stored or deflated, the two methods `zip` writes). */
export function readZipEntry(file: string, name: string): Buffer {
  const entry = readZipListing(file).find((candidate) => candidate.name === name);
  if (!entry) {
    throw new Error(`${file} has no entry ${name}`);
  }
  const data = fs.readFileSync(file);
  if (data.readUInt32LE(entry.offset) !== LOCAL_HEADER) {
    throw new Error(`${file}: the local header of ${name} is damaged`);
  }
  const start = entry.offset + 30 + data.readUInt16LE(entry.offset + 26) + data.readUInt16LE(entry.offset + 28);
  const raw = data.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    return raw;
  }
  if (entry.method === 8) {
    return zlib.inflateRawSync(raw);
  }
  throw new Error(`${file}: ${name} uses compression method ${entry.method}`);
}
