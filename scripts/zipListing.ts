/**
 * Reads a zip archive's central directory: entry names, sizes and Unix modes, which is what
 * Grafana's plugin installer and loader see. Used by `npm run package` to check its own output and
 * by the package layout test, without depending on `zipinfo` being installed.
 */
import * as fs from 'node:fs';

export interface ZipEntry {
  name: string;
  /** Unix mode bits (type and permissions) as stored by a Unix zip; 0 when made elsewhere. */
  mode: number;
  compressedSize: number;
  size: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
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
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
