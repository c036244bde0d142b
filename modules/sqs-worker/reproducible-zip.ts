/**
 * A minimal zip writer whose output depends only on the file names and contents.
 *
 * Why not a zip library: they stamp the current time (or the local time zone's view of a
 * fixed one) and compress with the machine's zlib, whose output differs between builds
 * (Node ships Chromium's zlib, which picks CPU-specific match finders). Here every entry
 * is STORED (no compression), dated 1980-01-01 00:00 in DOS time, mode 0644, with no extra
 * fields: the same inputs give the same bytes on any machine, clock or folder.
 * Lambda code is small; the size cost of not compressing is a few tens of KB.
 *
 * Not deflated either (docs/performance.md has the measurements): deflate output is not
 * canonical. Node's bundled Chromium zlib hashes with CRC32C when the CPU has SSE4.2/ARMv8 CRC
 * and with zlib's rolling hash otherwise, and a Node built against the system zlib
 * (distribution packages) deflates like canonical zlib. The zip's hash, source_code_hash, would
 * then depend on the CPU and the Node build, and a rebuild elsewhere would plan a code update
 * with no source change. The 50 MB zipped limit is checked at synth instead (bundleSizeProblems).
 */

/** One file to put in the archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  readonly name: string;
  readonly data: Buffer;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as the zip format requires for every entry. */
export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00:00, the earliest DOS date: time 0, date (0 << 9) | (1 << 5) | 1. */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
/** "Made by" Unix (3) version 2.0, so the external attributes carry Unix permissions. */
const VERSION_MADE_BY = (3 << 8) | 20;
const VERSION_NEEDED = 20;
/** -rw-r--r-- regular file, in the high 16 bits of the external attributes. */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** General purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 1 << 11;

/** Builds the zip archive of `entries`, sorted by name so that input order cannot matter. */
export function createReproducibleZip(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const name = Buffer.from(entry.name, "utf8");
    const crc = crc32(entry.data);
    const size = entry.data.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field (no timestamps)
    locals.push(local, name, entry.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + size;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
