/**
 * `npm run package:teams` — builds the Microsoft Teams app package of the e-Faktur helpdesk bot.
 *
 * Reads `MicrosoftAppId` and `BOT_DOMAIN` from the environment (and from `.env` in the project root when it
 * exists; variables already set in the environment win), fills `{{BOT_ID}}` / `{{BOT_DOMAIN}}` in
 * appPackage/manifest.template.json, validates the result against the official Teams JSON schema shipped in
 * `@microsoft/app-manifest` (offline), and writes appPackage/build/efaktur-helpdesk.zip with manifest.json,
 * color.png and outline.png at the zip root. Prints the zip's path; on bad input prints one line and exits 1.
 *
 * The icons are committed files (appPackage/color.png 192×192, a blue tile with a white "eF";
 * outline.png 32×32, the white "eF" on a transparent background): made once, checked here for the sizes
 * and the alpha channel Teams requires. Replace them with any PNGs of those sizes.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import yazl from 'yazl';
import { isDirectRun } from './direct-run.js';
import { loadDotEnv } from '../config.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP_PACKAGE_DIR = join(PROJECT_ROOT, 'appPackage');
export const TEMPLATE_FILE = 'manifest.template.json';
export const DEFAULT_OUT_FILE = join(APP_PACKAGE_DIR, 'build', 'efaktur-helpdesk.zip');

/** Icon sizes Teams requires. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  /** 6 = RGBA (an alpha channel, as the outline icon needs), 2 = RGB, … */
  colorType: number;
}

/**
 * Width, height, bit depth and colour type from a PNG's header chunk (IHDR, which the format puts
 * first): all that Teams' rules are about, so no image library is needed. Throws if `buf` is not a PNG.
 */
export function readPngSize(buf: Uint8Array): PngInfo {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG file (first chunk is not IHDR)');
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b.readUInt8(24), colorType: b.readUInt8(25) };
}

export type Manifest = Record<string, unknown>;

export interface PackageVars {
  /** Microsoft App Id of the bot (GUID); also used as the Teams app id. */
  botId: string;
  /** Public host name of the bot, e.g. `efaktur-bot.example.com`. */
  domain: string;
}

/** Bad input from the user (environment, template, icons): reported as one line, exit code 1. */
export class PackageError extends Error {
  override name = 'PackageError';
}

// ---------------------------------------------------------------------------------------------
// Input checks
// ---------------------------------------------------------------------------------------------
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const GUID_EXAMPLE = '00000000-0000-0000-0000-000000000000';
const DOMAIN_EXAMPLE = 'efaktur-bot.example.com';

/** A public DNS host name: at least two labels, no scheme/port/path/wildcard/trailing dot, TLD not numeric. */
export function isBareHostName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.toLowerCase().split('.');
  return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && /[a-z]/.test(labels[labels.length - 1]!);
}

export function checkBotId(value: string | undefined): string {
  const id = value?.trim() ?? '';
  if (id === '') {
    throw new PackageError(`MicrosoftAppId is not set: set it (environment or .env) to the bot's Microsoft App Id, a GUID like ${GUID_EXAMPLE}`);
  }
  if (!GUID.test(id)) {
    throw new PackageError(`MicrosoftAppId must be a GUID like ${GUID_EXAMPLE}, got ${JSON.stringify(id)}`);
  }
  return id;
}

export function checkDomain(value: string | undefined): string {
  const domain = value?.trim() ?? '';
  if (domain === '') {
    throw new PackageError(`BOT_DOMAIN is not set: set it (environment or .env) to the bot's public host name, e.g. ${DOMAIN_EXAMPLE}`);
  }
  if (!isBareHostName(domain)) {
    throw new PackageError(
      `BOT_DOMAIN must be a bare host name such as ${DOMAIN_EXAMPLE} (no https://, port, path or wildcard), got ${JSON.stringify(domain)}`,
    );
  }
  return domain.toLowerCase();
}

/** Reads and checks `MicrosoftAppId` and `BOT_DOMAIN`; throws PackageError with a one-line message. */
export function readConfig(env: Record<string, string | undefined>): PackageVars {
  return { botId: checkBotId(env['MicrosoftAppId']), domain: checkDomain(env['BOT_DOMAIN']) };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * Fills `{{BOT_ID}}` and `{{BOT_DOMAIN}}` in every string of the template (JSON text or parsed object).
 * Substitution happens on parsed strings, so values can never break the JSON. Unknown placeholders throw.
 */
export function renderManifest(template: string | Manifest, vars: PackageVars): Manifest {
  const values: Record<string, string> = { BOT_ID: checkBotId(vars.botId), BOT_DOMAIN: checkDomain(vars.domain) };
  let parsed: unknown;
  if (typeof template === 'string') {
    try {
      parsed = JSON.parse(template);
    } catch (e) {
      throw new PackageError(`manifest template is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    parsed = template;
  }
  if (!isPlainObject(parsed)) throw new PackageError('manifest template must be a JSON object');

  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (_m, name: string) => {
        const v = values[name];
        if (v === undefined) throw new PackageError(`manifest template uses unknown placeholder {{${name}}}`);
        return v;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  return fill(parsed) as Manifest;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Schema validation (offline, schemas shipped in @microsoft/app-manifest)
// ---------------------------------------------------------------------------------------------
/** build/json-schemas/teams of the installed @microsoft/app-manifest. */
export function teamsSchemaDir(): string {
  const main = createRequire(import.meta.url).resolve('@microsoft/app-manifest');
  return join(dirname(main), 'json-schemas', 'teams');
}

export function teamsSchemaPath(manifestVersion: string): string {
  return join(teamsSchemaDir(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/**
 * The Teams schemas declare draft-04 (`$schema`), which Ajv 8 does not load by itself. They use only keywords
 * whose meaning is the same in draft-04 and draft-07, except for the two draft-04-only forms checked here
 * (boolean exclusiveMinimum/exclusiveMaximum and `id` as a schema id). If a schema has none, validating it
 * as draft-07 gives the same result; if a future schema has them, refuse instead of validating wrongly.
 */
function assertDraft07Compatible(schema: unknown, path = '#'): void {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => assertDraft07Compatible(s, `${path}/${i}`));
    return;
  }
  if (!isPlainObject(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      throw new Error(`Teams schema uses draft-04 boolean ${key} at ${path}; validator needs updating`);
    }
    if (key === 'id' && typeof value === 'string') {
      throw new Error(`Teams schema uses a draft-04 "id" at ${path}; validator needs updating`);
    }
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') continue; // data, not schema
    assertDraft07Compatible(value, `${path}/${key}`);
  }
}

const validators = new Map<string, ValidateFunction>();

function compileSchema(manifestVersion: string): ValidateFunction | undefined {
  const cached = validators.get(manifestVersion);
  if (cached) return cached;
  const path = teamsSchemaPath(manifestVersion);
  if (!existsSync(path)) return undefined;
  const { $schema: _draft04, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  assertDraft07Compatible(schema);
  // Strict mode stays on (unknown keywords are errors) except for two patterns the official schema uses on purpose:
  // `required` in `dependencies` naming properties defined elsewhere, and implicit types.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  validators.set(manifestVersion, validate);
  return validate;
}

/**
 * Validates a rendered manifest against the Teams schema of its own `manifestVersion`.
 * Returns human-readable problems; an empty array means valid.
 */
export function validateManifest(manifest: unknown): string[] {
  if (!isPlainObject(manifest)) return ['manifest must be a JSON object'];
  const version = manifest['manifestVersion'];
  if (typeof version !== 'string' || !/^(\d+\.\d+|devPreview)$/.test(version)) {
    return [`manifestVersion must be a string like "1.30", got ${JSON.stringify(version)}`];
  }
  const validate = compileSchema(version);
  if (!validate) return [`no Teams JSON schema for manifestVersion ${version} in @microsoft/app-manifest`];

  const problems: string[] = [];
  if (!validate(manifest)) {
    for (const err of validate.errors ?? []) {
      const where = err.instancePath || '(root)';
      const extra =
        err.keyword === 'additionalProperties'
          ? ` (${String(err.params['additionalProperty'])})`
          : err.keyword === 'enum'
            ? ` (${JSON.stringify(err.params['allowedValues'])})`
            : '';
      problems.push(`${where} ${err.message ?? err.keyword}${extra}`);
    }
  }
  const left = JSON.stringify(manifest).match(/\{\{[^}]*\}\}/g);
  if (left) problems.push(`unresolved placeholders: ${[...new Set(left)].join(', ')}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Package
// ---------------------------------------------------------------------------------------------
export interface BuildOptions extends PackageVars {
  /** Folder with manifest.template.json and the icons; default appPackage/. */
  appPackageDir?: string;
  /** Zip to write; default appPackage/build/efaktur-helpdesk.zip. */
  outFile?: string;
}

export interface BuildResult {
  outFile: string;
  manifest: Manifest;
  /** Names of the zip entries, in order. */
  entries: string[];
}

function readIcon(dir: string, manifest: Manifest, kind: keyof typeof ICON_SIZES): { name: string; data: Buffer } {
  const icons = manifest['icons'] as Record<string, unknown> | undefined;
  const name = icons?.[kind];
  if (typeof name !== 'string' || name !== basename(name)) {
    throw new PackageError(`icons.${kind} must be a file name at the package root, got ${JSON.stringify(name)}`);
  }
  const path = join(dir, name);
  if (!existsSync(path)) throw new PackageError(`icon ${path} is missing: put a ${ICON_SIZES[kind]}×${ICON_SIZES[kind]} PNG there`);
  const data = readFileSync(path);
  let info: PngInfo;
  try {
    info = readPngSize(data);
  } catch (e) {
    throw new PackageError(`${name}: ${(e as Error).message}`);
  }
  const { width, height, colorType } = info;
  const size = ICON_SIZES[kind];
  if (width !== size || height !== size) {
    throw new PackageError(`${name} must be ${size}×${size} pixels, is ${width}×${height}`);
  }
  if (kind === 'outline' && colorType !== 6) {
    throw new PackageError(`${name} must have an alpha channel (transparent background), PNG colour type is ${colorType}`);
  }
  return { name, data };
}

/** Renders, validates and zips the app package. Throws PackageError on bad input. */
export async function buildPackage(opts: BuildOptions): Promise<BuildResult> {
  const dir = opts.appPackageDir ?? APP_PACKAGE_DIR;
  const outFile = opts.outFile ?? DEFAULT_OUT_FILE;
  const templatePath = join(dir, TEMPLATE_FILE);
  if (!existsSync(templatePath)) throw new PackageError(`manifest template ${templatePath} is missing`);

  const manifest = renderManifest(readFileSync(templatePath, 'utf8'), opts);
  const problems = validateManifest(manifest);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new PackageError(`manifest does not match the Teams schema: ${shown}${more}`);
  }

  const files: Array<{ name: string; data: Buffer }> = [
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    readIcon(dir, manifest, 'color'),
    readIcon(dir, manifest, 'outline'),
  ];

  const zip = new yazl.ZipFile();
  const mtime = new Date(2020, 0, 1); // fixed, so the same input gives the same zip
  for (const f of files) zip.addBuffer(f.data, f.name, { mtime, mode: 0o100644 });
  zip.end();

  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  try {
    await finished(zip.outputStream.pipe(createWriteStream(tmp)));
    renameSync(tmp, outFile);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { outFile, manifest, entries: files.map((f) => f.name) };
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------
export interface MainOptions {
  env?: Record<string, string | undefined>;
  appPackageDir?: string;
  outFile?: string;
  log?: (line: string) => void;
  error?: (line: string) => void;
}

/** Returns the exit code. Every failure is reported as exactly one line. */
export async function main(opts: MainOptions = {}): Promise<number> {
  const { env = process.env, log = console.log, error = console.error } = opts;
  try {
    const vars = readConfig(env);
    const result = await buildPackage({ ...vars, appPackageDir: opts.appPackageDir, outFile: opts.outFile });
    log(result.outFile);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    error(`package:teams: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}

if (isDirectRun(import.meta.url)) {
  try {
    loadDotEnv(join(PROJECT_ROOT, '.env')); // never overrides variables already set
    process.exitCode = await main();
  } catch (e) {
    console.error(`package:teams: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
