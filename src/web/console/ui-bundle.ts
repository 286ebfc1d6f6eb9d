/**
 * The scripts of the agent console and the insights page: typed TypeScript in console-ui/ (checked by
 * console-ui/tsconfig.json with the DOM library), bundled with esbuild into one classic script per
 * page, dist/console-ui/<page>.js (the pages' CSP allows no inline script and no modules are needed).
 *
 *   npm run build            builds them with the server (`npm run build:ui` alone)
 *   server, tests, npm run dev   a bundle that is missing or older than its sources is built on first
 *                            request, so `npm test` and `npm run dev` never serve a stale page script
 *
 * "Older" is decided by content, not by file times: next to each bundle, <page>.inputs.json lists the
 * sha256 of every source file esbuild read (from its metafile) and of the build options. Writes go to a
 * temporary file and are renamed into place, so servers started together (parallel test files) never
 * read half a bundle; at worst both build it.
 *
 * esbuild is a development dependency: a production install without it (or without console-ui/)
 * serves the bundles `npm run build` made as they are; a bundle that is missing there, or sources
 * that do not build, answer a logged 500 like any missing page file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { parseContentFile } from '../../catalog/content-file.js';
import { pageWordsSchema } from '../../catalog/page-words.js';
import { PAGE_WORDS_FILE, PageWordsError, pageWordsCandidates } from '../page-words.js';

export const UI_PAGES = ['agent', 'insights'] as const;
export type UiPage = (typeof UI_PAGES)[number];

/** The checkout's root: the nearest folder above this module with a package.json (src/ under tsx, dist/src/ when built). */
function rootDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

/** Options that change the output: part of the manifest, so changing them here rebuilds. */
const OPTIONS = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // The browsers the console supports (current Chromium, Edge, Firefox, Safari); no polyfills.
  target: 'es2022',
  // Indonesian words and typographic quotes stay readable in the bundle instead of \u escapes.
  charset: 'utf8',
  legalComments: 'none',
  sourcemap: false,
} as const;

/**
 * `import words from 'content:console/agent'`: the page's section of intents/_pages.yaml, validated,
 * as a frozen object. The YAML file is an input of the bundle like any source, so an edit rebuilds it.
 */
function pageWords(): Plugin {
  return {
    name: 'page-words',
    setup(b) {
      b.onResolve({ filter: /^content:console\/(agent|insights)$/ }, (args) => {
        const file = pageWordsCandidates().find((f) => existsSync(f));
        if (!file) return { errors: [{ text: `${PAGE_WORDS_FILE}: missing: looked in ${pageWordsCandidates().join(', ')}` }] };
        return { path: file, pluginData: { section: args.path.slice('content:console/'.length) } };
      });
      b.onLoad({ filter: new RegExp(`${PAGE_WORDS_FILE.replace(/\./g, '\\.')}$`) }, async (args) => {
        const section = (args.pluginData as { section: 'agent' | 'insights' }).section;
        try {
          const words = parseContentFile(await readFile(args.path, 'utf8'), PAGE_WORDS_FILE, pageWordsSchema, (p) => new PageWordsError(p));
          return { contents: `export default Object.freeze(${JSON.stringify(words[section])});`, loader: 'js' };
        } catch (err) {
          return { errors: [{ text: (err as Error).message }] };
        }
      });
    },
  };
}

interface Manifest {
  options: string;
  /** Path relative to the root → sha256 hex. */
  inputs: Record<string, string>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const optionsHash = sha256(JSON.stringify(OPTIONS));

async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export interface UiBundler {
  /** dist/console-ui/<page>.js under the root. */
  bundlePath(page: UiPage): string;
  /** Builds one page's bundle (and its manifest). Throws with esbuild's messages when the sources do not build. */
  build(page: UiPage): Promise<string>;
  /**
   * The path of a page's bundle, built first when it is missing or its sources changed. Without
   * esbuild, or without the sources (a production install), an existing bundle is served as it is.
   */
  bundle(page: UiPage): Promise<string>;
}

/** The bundles of the pages whose sources are in <root>/console-ui (tests use a temporary root). */
export function uiBundler(root: string): UiBundler {
  const sourceDir = path.join(root, 'console-ui');
  const bundleDir = path.join(root, 'dist', 'console-ui');
  const bundlePath = (page: UiPage) => path.join(bundleDir, `${page}.js`);
  const entryPoint = (page: UiPage) => path.join(sourceDir, page, 'main.ts');
  const manifestPath = (page: UiPage) => path.join(bundleDir, `${page}.inputs.json`);

  const upToDate = async (page: UiPage): Promise<boolean> => {
    if (!existsSync(bundlePath(page))) return false;
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(manifestPath(page), 'utf8')) as Manifest;
    } catch {
      return false;
    }
    if (manifest.options !== optionsHash || !manifest.inputs || Object.keys(manifest.inputs).length === 0) return false;
    for (const [file, hash] of Object.entries(manifest.inputs)) {
      const content = await readFile(path.join(root, file)).catch(() => undefined);
      if (!content || sha256(content) !== hash) return false;
    }
    return true;
  };

  const build = async (page: UiPage): Promise<string> => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      ...OPTIONS,
      absWorkingDir: root,
      entryPoints: [entryPoint(page)],
      outfile: bundlePath(page),
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [pageWords()],
      banner: { js: `/* Built by esbuild from console-ui/${page}/ (src/web/console/ui-bundle.ts). Do not edit: edit the sources. */` },
    });
    const out = result.outputFiles.find((f) => f.path === bundlePath(page));
    if (!out) throw new Error(`esbuild wrote no ${bundlePath(page)}`);
    const inputs: Record<string, string> = {};
    for (const file of Object.keys(result.metafile.inputs)) inputs[file] = sha256(await readFile(path.join(root, file)));
    await mkdir(bundleDir, { recursive: true });
    // The bundle first: a manifest that matches the sources always describes the bundle in place.
    await writeAtomically(bundlePath(page), out.contents);
    await writeAtomically(manifestPath(page), `${JSON.stringify({ options: optionsHash, inputs } satisfies Manifest, null, 1)}\n`);
    return bundlePath(page);
  };

  const building = new Map<UiPage, Promise<string>>();
  const bundle = async (page: UiPage): Promise<string> => {
    const pending = building.get(page);
    if (pending) return pending;
    // A deployment of the build without the sources: nothing to compare with, the bundle is what there is.
    if (!existsSync(entryPoint(page)) && existsSync(bundlePath(page))) return bundlePath(page);
    if (await upToDate(page)) return bundlePath(page);
    const job = build(page)
      .catch((err: unknown) => {
        const missingEsbuild = (err as { code?: string })?.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(String((err as Error).message));
        if (missingEsbuild && existsSync(bundlePath(page))) return bundlePath(page);
        throw err;
      })
      .finally(() => building.delete(page));
    building.set(page, job);
    return job;
  };

  return { bundlePath, build, bundle };
}

const checkout = uiBundler(rootDir());

/** This checkout's bundle of a page (see uiBundler().bundle). */
export const uiBundle = (page: UiPage): Promise<string> => checkout.bundle(page);

/** `npm run build:ui`: builds every page's bundle. */
async function main(): Promise<number> {
  for (const page of UI_PAGES) {
    const file = await checkout.build(page);
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
