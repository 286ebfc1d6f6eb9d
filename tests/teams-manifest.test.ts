/**
 * Teams app package: manifest template vs. the official Teams JSON schema (offline, from
 * @microsoft/app-manifest), icons, zip layout, and rejection of bad MicrosoftAppId / BOT_DOMAIN.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import type { TeamsManifestV1D30 } from '@microsoft/app-manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_PACKAGE_DIR,
  PROJECT_ROOT,
  TEMPLATE_FILE,
  buildPackage,
  main,
  readConfig,
  readPngSize,
  renderManifest,
  teamsSchemaDir,
  teamsSchemaPath,
  validateManifest,
  type Manifest,
} from '../src/cli/package-teams.js';

type TeamsManifest = TeamsManifestV1D30.TeamsManifestV1D30;

const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const DOMAIN = 'efaktur-bot.example.com';
const templateText = readFileSync(join(APP_PACKAGE_DIR, TEMPLATE_FILE), 'utf8');
const render = (): Manifest => renderManifest(templateText, { botId: BOT_ID, domain: DOMAIN });

// ---------------------------------------------------------------------------------------------
// Minimal PNG decoder and zip reader, written independently of the code under test.
// ---------------------------------------------------------------------------------------------
/** CRC-32 as PNG chunks and zip entries use it (ISO-HDLC, reflected polynomial 0xEDB88320), bit by bit. */
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  channels: number;
  pixels: Buffer;
  chunkTypes: string[];
}

function decodePng(buf: Buffer): DecodedPng {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  const chunkTypes: string[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    expect(buf.readUInt32BE(pos + 8 + len), `CRC of ${type}`).toBe(crc32(buf.subarray(pos + 4, pos + 8 + len)));
    chunkTypes.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8], 'bit depth').toBe(8);
      colorType = data[9]!;
      expect(data[12], 'interlace').toBe(0);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  expect([2, 6]).toContain(colorType);
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((stride + 1) * height);
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      let pred: number;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad PNG filter ${filter}`);
      }
      pixels[y * stride + x] = (cur + pred) & 0xff;
    }
  }
  return { width, height, colorType, channels, pixels, chunkTypes };
}

function pixelAt(png: DecodedPng, x: number, y: number): number[] {
  const i = (y * png.width + x) * png.channels;
  return [...png.pixels.subarray(i, i + png.channels)];
}

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Reads a zip through its end-of-central-directory record and central directory. */
function readZip(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory header at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;

    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const stored = buf.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : method === 0 ? Buffer.from(stored) : null;
    if (!data) throw new Error(`unsupported compression method ${method} for ${name}`);
    expect(data.length, `size of ${name}`).toBe(size);
    expect(crc32(data), `CRC of ${name}`).toBe(crc);
    entries.push({ name, data });
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
describe('Teams manifest template', () => {
  it('uses the newest v1.N schema that @microsoft/app-manifest ships', () => {
    const versions = readdirSync(teamsSchemaDir())
      .map((d) => /^v1\.(\d+)$/.exec(d))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]));
    const newest = `1.${Math.max(...versions)}`;
    const manifest = render();
    expect(manifest['manifestVersion']).toBe(newest);
    expect(manifest['$schema']).toBe(
      `https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`,
    );
    // The schema really is the one inside node_modules/@microsoft/app-manifest (offline).
    const schemaPath = teamsSchemaPath(newest);
    expect(relative(PROJECT_ROOT, schemaPath).split(sep).join('/')).toBe(
      `node_modules/@microsoft/app-manifest/build/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`,
    );
    expect(existsSync(schemaPath)).toBe(true);
  });

  it('renders into a manifest that the official Teams schema accepts', () => {
    expect(validateManifest(render())).toEqual([]);
  });

  it('puts the substituted ids, domain and commands where Teams expects them', () => {
    const m = render() as unknown as TeamsManifest;
    expect(JSON.stringify(m)).not.toContain('{{');
    expect(m.id).toBe(BOT_ID);
    expect(m.name.short).toBe('Asisten e-Faktur');
    expect(m.developer.name).toBe('Helpdesk e-Faktur');
    for (const url of [m.developer.websiteUrl, m.developer.privacyUrl, m.developer.termsOfUseUrl]) {
      expect(url.startsWith(`https://${DOMAIN}/`), url).toBe(true);
    }
    expect(m.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(m.validDomains).toEqual([DOMAIN]);
    expect(m.permissions).toEqual(['identity', 'messageTeamMembers']);

    expect(m.bots).toHaveLength(1);
    const bot = m.bots![0]!;
    expect(bot.botId).toBe(BOT_ID);
    expect([...(bot.scopes ?? [])].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.supportsFiles).toBe(false);
    const listedScopes = (bot.commandLists ?? []).flatMap((l) => l.scopes ?? []).sort();
    expect(listedScopes).toEqual(['groupChat', 'personal', 'team']);
    for (const list of bot.commandLists ?? []) {
      expect(list.commands.map((c) => c.title)).toEqual([
        'menu',
        'reset aplikasi',
        'lupa password',
        'etax 40005',
        'hubungi petugas',
      ]);
    }

    expect(m.composeExtensions).toHaveLength(1);
    const ext = m.composeExtensions![0]!;
    expect(ext.botId).toBe(BOT_ID);
    const cmd = (ext.commands ?? []).find((c) => c.id === 'cariJawaban');
    expect(cmd).toBeDefined();
    expect(cmd).toMatchObject({ type: 'query', title: 'Cari jawaban', initialRun: true, context: ['compose', 'commandBox'] });
    expect(cmd!.parameters).toEqual([
      expect.objectContaining({ name: 'q', title: 'Kata kunci', inputType: 'text', description: expect.any(String) }),
    ]);
  });

  it('rejects manifests that break the schema (the validator can fail)', () => {
    const base = render();
    const withoutDeveloper = structuredClone(base);
    delete withoutDeveloper['developer'];
    expect(validateManifest(withoutDeveloper)).toEqual([expect.stringContaining("required property 'developer'")]);

    const withoutIcons = structuredClone(base);
    delete withoutIcons['icons'];
    expect(validateManifest(withoutIcons).join('\n')).toContain("required property 'icons'");

    const badBotId = structuredClone(base) as unknown as TeamsManifest;
    badBotId.bots![0]!.botId = 'not-a-guid';
    expect(validateManifest(badBotId).join('\n')).toContain('/bots/0/botId');

    const badScope = structuredClone(base) as unknown as { bots: Array<{ scopes: string[] }> };
    badScope.bots[0]!.scopes.push('channel');
    expect(validateManifest(badScope).join('\n')).toContain('/bots/0/scopes/3');

    const longTitle = structuredClone(base) as unknown as TeamsManifest;
    longTitle.composeExtensions![0]!.commands![0]!.title = 'x'.repeat(33);
    expect(validateManifest(longTitle).join('\n')).toContain('/composeExtensions/0/commands/0/title');

    expect(validateManifest({ ...base, unknownField: true }).join('\n')).toContain('unknownField');
    expect(validateManifest({ ...base, manifestVersion: '1.99' })).toEqual([
      expect.stringContaining('no Teams JSON schema for manifestVersion 1.99'),
    ]);
    expect(validateManifest(JSON.parse(templateText)).join('\n')).toContain('unresolved placeholders');
  });

  it('renderManifest rejects bad values and unknown placeholders', () => {
    expect(() => renderManifest(templateText, { botId: 'abc', domain: DOMAIN })).toThrow(/GUID/);
    expect(() => renderManifest(templateText, { botId: BOT_ID, domain: 'https://x.example.com' })).toThrow(
      /bare host name/,
    );
    expect(() => renderManifest('{"id": "{{APP_ID}}"}', { botId: BOT_ID, domain: DOMAIN })).toThrow(
      /unknown placeholder \{\{APP_ID\}\}/,
    );
    expect(() => renderManifest('{"id": ', { botId: BOT_ID, domain: DOMAIN })).toThrow(/not valid JSON/);
  });
});

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
    for (const [x, y] of [[0, 0], [31, 0], [0, 31], [31, 31]] as const) {
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
    expect(transparent).toBeGreaterThan(32 * 32 / 2);
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

describe('app package zip', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'teams-package-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('contains exactly manifest.json, color.png and outline.png at the root', async () => {
    const outFile = join(dir, 'nested', 'efaktur-helpdesk.zip');
    const result = await buildPackage({ botId: BOT_ID, domain: DOMAIN, outFile });
    expect(result.outFile).toBe(outFile);
    const entries = readZip(readFileSync(outFile));
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as TeamsManifest;
    expect(validateManifest(manifest)).toEqual([]);
    expect(manifest.bots![0]!.botId).toBe(BOT_ID);
    expect(manifest.composeExtensions![0]!.botId).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual([DOMAIN]);
    expect(entries.find((e) => e.name === 'color.png')!.data.equals(readFileSync(join(APP_PACKAGE_DIR, 'color.png')))).toBe(true);
    expect(entries.find((e) => e.name === 'outline.png')!.data.equals(readFileSync(join(APP_PACKAGE_DIR, 'outline.png')))).toBe(true);
    expect(readdirSync(dirname(outFile))).toEqual(['efaktur-helpdesk.zip']); // no temp file left behind
  });

  it('main() prints the path of the zip on success', async () => {
    const outFile = join(dir, 'ok.zip');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main({
      env: { MicrosoftAppId: BOT_ID, BOT_DOMAIN: DOMAIN },
      outFile,
      log: (l) => out.push(l),
      error: (l) => err.push(l),
    });
    expect({ code, out, err }).toEqual({ code: 0, out: [outFile], err: [] });
    expect(existsSync(outFile)).toBe(true);
  });

  it.each([
    [{}, /MicrosoftAppId is not set/],
    [{ MicrosoftAppId: '   ', BOT_DOMAIN: DOMAIN }, /MicrosoftAppId is not set/],
    [{ MicrosoftAppId: 'my-bot', BOT_DOMAIN: DOMAIN }, /MicrosoftAppId must be a GUID.*"my-bot"/],
    [{ MicrosoftAppId: `${BOT_ID}x`, BOT_DOMAIN: DOMAIN }, /MicrosoftAppId must be a GUID/],
    [{ MicrosoftAppId: BOT_ID }, /BOT_DOMAIN is not set/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: `https://${DOMAIN}` }, /BOT_DOMAIN must be a bare host name/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: `${DOMAIN}/api/messages` }, /BOT_DOMAIN must be a bare host name/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: `${DOMAIN}:3978` }, /BOT_DOMAIN must be a bare host name/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: 'localhost' }, /BOT_DOMAIN must be a bare host name/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: '*.example.com' }, /BOT_DOMAIN must be a bare host name/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: '10.0.0.7' }, /BOT_DOMAIN must be a bare host name/],
    [{ MicrosoftAppId: BOT_ID, BOT_DOMAIN: 'bad_host.example.com' }, /BOT_DOMAIN must be a bare host name/],
  ] as Array<[Record<string, string>, RegExp]>)('rejects %j with one clear line and writes nothing', async (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
    const outFile = join(dir, 'rejected.zip');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main({ env, outFile, log: (l) => out.push(l), error: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).not.toContain('\n');
    expect(existsSync(outFile)).toBe(false);
  });

  it('accepts real-world host names', () => {
    expect(readConfig({ MicrosoftAppId: BOT_ID.toUpperCase(), BOT_DOMAIN: 'Abc-3978.ASSE.devtunnels.ms' })).toEqual({
      botId: BOT_ID.toUpperCase(),
      domain: 'abc-3978.asse.devtunnels.ms',
    });
    expect(readConfig({ MicrosoftAppId: BOT_ID, BOT_DOMAIN: ' 1a2b-3c.ngrok-free.app ' }).domain).toBe('1a2b-3c.ngrok-free.app');
  });
});
