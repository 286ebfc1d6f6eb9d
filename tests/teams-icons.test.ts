/**
 * Teams app package icons: the sizes Teams requires, decoded pixel by pixel (outline: a white glyph
 * on a transparent background; color: a blue tile), and the package refusing icons Teams would reject.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_PACKAGE_DIR, TEMPLATE_FILE, buildPackage, readPngSize } from '../src/cli/package-teams.js';
import { BOT_ID, DOMAIN, crc32, decodePng, pixelAt, templateText } from './helpers/teams-package.js';

describe('icons', () => {
  const color = readFileSync(join(APP_PACKAGE_DIR, 'color.png'));
  const outline = readFileSync(join(APP_PACKAGE_DIR, 'outline.png'));

  it("the test's CRC-32 matches the standard check value", () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('have the sizes Teams requires', () => {
    expect(readPngSize(color)).toMatchObject({ width: 192, height: 192 });
    expect(readPngSize(outline)).toMatchObject({ width: 32, height: 32 });
    expect(() => readPngSize(Buffer.from('GIF89a not a png at all, just some bytes'))).toThrow(/not a PNG/);
  });

  it('outline.png is a white glyph on a transparent background', () => {
    expect(readPngSize(outline).colorType).toBe(6);
    const png = decodePng(outline);
    expect(png.chunkTypes[0]).toBe('IHDR');
    expect(png.chunkTypes.at(-1)).toBe('IEND');
    for (const [x, y] of [
      [0, 0],
      [31, 0],
      [0, 31],
      [31, 31],
    ] as const) {
      expect(pixelAt(png, x, y)[3], `alpha at ${x},${y}`).toBe(0);
    }
    let opaque = 0;
    let transparent = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = pixelAt(png, x, y);
        if (a === 0) transparent++;
        else {
          opaque++;
          expect([r, g, b], `colour at ${x},${y}`).toEqual([255, 255, 255]);
        }
      }
    }
    expect(opaque).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan((32 * 32) / 2);
  });

  it('color.png is a blue tile with a white glyph', () => {
    const png = decodePng(color);
    expect(pixelAt(png, 96, 20)).toEqual([0x15, 0x65, 0xc0, 255]); // #1565C0 inside the tile
    const colours = new Set<string>();
    for (let y = 0; y < 192; y += 2) for (let x = 0; x < 192; x += 2) colours.add(pixelAt(png, x, y).join(','));
    expect(colours.has('255,255,255,255')).toBe(true);
  });

  it('the package refuses icons Teams would reject, with one clear line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teams-icons-'));
    try {
      writeFileSync(join(dir, TEMPLATE_FILE), templateText);
      const build = () => buildPackage({ botId: BOT_ID, domain: DOMAIN, appPackageDir: dir, outFile: join(dir, 'out.zip') });
      await expect(build()).rejects.toThrow(/icon .*color\.png is missing: put a 192×192 PNG there/);
      writeFileSync(join(dir, 'color.png'), outline); // the sizes swapped
      writeFileSync(join(dir, 'outline.png'), color);
      await expect(build()).rejects.toThrow('color.png must be 192×192 pixels, is 32×32');
      writeFileSync(join(dir, 'color.png'), color);
      await expect(build()).rejects.toThrow('outline.png must be 32×32 pixels, is 192×192');
      const rgb = Buffer.from(outline);
      rgb[25] = 2; // IHDR colour type: RGB, no alpha channel
      writeFileSync(join(dir, 'outline.png'), rgb);
      await expect(build()).rejects.toThrow('outline.png must have an alpha channel (transparent background), PNG colour type is 2');
      writeFileSync(join(dir, 'outline.png'), 'GIF89a not a png at all, just some bytes');
      await expect(build()).rejects.toThrow('outline.png: not a PNG file (bad signature)');
      writeFileSync(join(dir, 'outline.png'), outline);
      await expect(build()).resolves.toMatchObject({ entries: ['manifest.json', 'color.png', 'outline.png'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
