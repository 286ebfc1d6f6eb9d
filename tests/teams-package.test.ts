/**
 * Teams app package zip: its layout read back with an independent zip reader, `main()` printing the
 * zip's path, and the rejection of bad MicrosoftAppId / BOT_DOMAIN with one clear line.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PACKAGE_DIR, buildPackage, main, readConfig, validateManifest } from '../src/cli/package-teams.js';
import { BOT_ID, DOMAIN, readZip, type TeamsManifest } from './helpers/teams-package.js';

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
