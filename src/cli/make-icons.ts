/**
 * Generates the two Teams app icons in appPackage/ with nothing but node:zlib:
 *   - color.png   192×192 RGBA: a blue (#1565C0) rounded square with a white "eF"
 *   - outline.png  32×32  RGBA: the white "eF" on a fully transparent background
 *
 * Run once (`npx tsx src/cli/make-icons.ts`) and commit the PNGs; the output is deterministic.
 * The PNG encoder, CRC-32 and `readPngSize` are exported for the tests and for package-teams.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { isDirectRun } from './direct-run.js';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour types this encoder writes: 2 = truecolour (RGB), 6 = truecolour with alpha (RGBA). */
export type PngColorType = 2 | 6;

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO-HDLC, polynomial 0xEDB88320, as PNG and zip use it); own table, no zlib.crc32.
// ---------------------------------------------------------------------------------------------
const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) {
    c = (CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeBytes = Buffer.from(type, 'latin1');
  if (typeBytes.length !== 4) throw new Error(`PNG chunk type must be 4 characters: ${type}`);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  typeBytes.copy(out, 4);
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export interface RawImage {
  width: number;
  height: number;
  /** 6 = RGBA (4 bytes per pixel), 2 = RGB (3 bytes per pixel); 8 bits per sample. */
  colorType: PngColorType;
  /** Row-major pixel bytes, `width * height * channels` long. */
  pixels: Uint8Array;
}

/** Encodes 8-bit RGB/RGBA pixels as a PNG: signature, IHDR, one IDAT (filter 0 per scanline), IEND. */
export function encodePng(image: RawImage): Buffer {
  const { width, height, colorType, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`PNG size must be positive integers, got ${width}×${height}`);
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new Error(`expected ${stride * height} pixel bytes for ${width}×${height}, got ${pixels.length}`);
  }

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace

  // Each scanline is prefixed with its filter type byte; filter 0 ("None") keeps the encoder simple.
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    Buffer.from(pixels.buffer, pixels.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }

  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** Reads width/height (and bit depth, colour type) from the IHDR chunk; throws if `buf` is not a PNG. */
export function readPngSize(buf: Uint8Array): PngInfo {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG file (first chunk is not IHDR)');
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24]!, colorType: b[25]! };
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------
type Rgba = readonly [number, number, number, number];

const BLUE: Rgba = [0x15, 0x65, 0xc0, 0xff]; // #1565C0
const WHITE: Rgba = [0xff, 0xff, 0xff, 0xff];

/** "eF" on an 11×7 cell grid: lowercase e (5 wide), one blank column, capital F (5 wide). */
const GLYPH = [
  '......#####',
  '......#....',
  '.###..#....',
  '#...#.####.',
  '#####.#....',
  '#.....#....',
  '.####.#....',
];
const GLYPH_COLS = GLYPH[0]!.length;
const GLYPH_ROWS = GLYPH.length;

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 4); // all transparent black
  }
  set(x: number, y: number, [r, g, b, a]: Rgba): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.pixels.set([r, g, b, a], i);
  }
  fillRect(x0: number, y0: number, w: number, h: number, color: Rgba): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, color);
  }
  /** Rounded square over the whole canvas, anti-aliased by 4×4 supersampling into the alpha channel. */
  fillRoundedSquare(radius: number, color: Rgba): void {
    const S = 4;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        let inside = 0;
        for (let sy = 0; sy < S; sy++) {
          for (let sx = 0; sx < S; sx++) {
            const px = x + (sx + 0.5) / S;
            const py = y + (sy + 0.5) / S;
            const cx = Math.min(Math.max(px, radius), this.width - radius);
            const cy = Math.min(Math.max(py, radius), this.height - radius);
            if ((px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2) inside++;
          }
        }
        if (inside > 0) this.set(x, y, [color[0], color[1], color[2], Math.round((color[3] * inside) / (S * S))]);
      }
    }
  }
  /** Draws GLYPH with square cells of `cell` px, centred. */
  drawGlyph(cell: number, color: Rgba): void {
    const x0 = Math.floor((this.width - GLYPH_COLS * cell) / 2);
    const y0 = Math.floor((this.height - GLYPH_ROWS * cell) / 2);
    GLYPH.forEach((row, gy) => {
      [...row].forEach((c, gx) => {
        if (c === '#') this.fillRect(x0 + gx * cell, y0 + gy * cell, cell, cell, color);
      });
    });
  }
  toPng(): Buffer {
    return encodePng({ width: this.width, height: this.height, colorType: 6, pixels: this.pixels });
  }
}

/** 192×192 full-colour icon. */
export function makeColorIcon(): Buffer {
  const c = new Canvas(192, 192);
  c.fillRoundedSquare(36, BLUE);
  c.drawGlyph(10, WHITE); // 110×70 px glyph, well inside the square
  return c.toPng();
}

/** 32×32 outline icon: white glyph, everything else fully transparent. */
export function makeOutlineIcon(): Buffer {
  const c = new Canvas(32, 32);
  c.drawGlyph(2, WHITE); // 22×14 px glyph
  return c.toPng();
}

export const APP_PACKAGE_DIR = fileURLToPath(new URL('../../appPackage/', import.meta.url));

export function writeIcons(dir = APP_PACKAGE_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Array<[string, Buffer]> = [
    [join(dir, 'color.png'), makeColorIcon()],
    [join(dir, 'outline.png'), makeOutlineIcon()],
  ];
  for (const [path, data] of files) writeFileSync(path, data);
  return files.map(([path]) => path);
}


if (isDirectRun(import.meta.url)) {
  for (const path of writeIcons()) {
    const { width, height } = readPngSize(readFileSync(path));
    console.log(`${path} (${width}×${height})`);
  }
}
