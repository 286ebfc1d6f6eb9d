/**
 * Teams app package: the manifest template vs. the official Teams JSON schema (offline, from
 * @microsoft/app-manifest) and the values substituted into it. Icons are tested in
 * tests/teams-icons.test.ts, the zip and the rejection of bad MicrosoftAppId / BOT_DOMAIN in
 * tests/teams-package.test.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, renderManifest, teamsSchemaDir, teamsSchemaPath, validateManifest } from '../src/cli/package-teams.js';
import { BOT_ID, DOMAIN, render, templateText, type TeamsManifest } from './helpers/teams-package.js';

describe('Teams manifest template', () => {
  it('uses the newest v1.N schema that @microsoft/app-manifest ships', () => {
    const versions = readdirSync(teamsSchemaDir())
      .map((d) => /^v1\.(\d+)$/.exec(d))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]));
    const newest = `1.${Math.max(...versions)}`;
    const manifest = render();
    expect(manifest['manifestVersion']).toBe(newest);
    expect(manifest['$schema']).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`);
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
      expect(list.commands.map((c) => c.title)).toEqual(['menu', 'reset aplikasi', 'lupa password', 'etax 40005', 'hubungi petugas']);
    }

    expect(m.composeExtensions).toHaveLength(1);
    const ext = m.composeExtensions![0]!;
    expect(ext.botId).toBe(BOT_ID);
    const cmd = (ext.commands ?? []).find((c) => c.id === 'cariJawaban');
    expect(cmd).toBeDefined();
    expect(cmd).toMatchObject({ type: 'query', title: 'Cari jawaban', initialRun: true, context: ['compose', 'commandBox'] });
    expect(cmd!.parameters).toEqual([expect.objectContaining({ name: 'q', title: 'Kata kunci', inputType: 'text', description: expect.any(String) })]);
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
    expect(validateManifest({ ...base, manifestVersion: '1.99' })).toEqual([expect.stringContaining('no Teams JSON schema for manifestVersion 1.99')]);
    expect(validateManifest(JSON.parse(templateText)).join('\n')).toContain('unresolved placeholders');
  });

  it('renderManifest rejects bad values and unknown placeholders', () => {
    expect(() => renderManifest(templateText, { botId: 'abc', domain: DOMAIN })).toThrow(/GUID/);
    expect(() => renderManifest(templateText, { botId: BOT_ID, domain: 'https://x.example.com' })).toThrow(/bare host name/);
    expect(() => renderManifest('{"id": "{{APP_ID}}"}', { botId: BOT_ID, domain: DOMAIN })).toThrow(/unknown placeholder \{\{APP_ID\}\}/);
    expect(() => renderManifest('{"id": ', { botId: BOT_ID, domain: DOMAIN })).toThrow(/not valid JSON/);
  });
});
