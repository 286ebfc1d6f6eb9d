/**
 * `npm run build` (after tsc): the server and its dependencies as one ES module, dist/server.mjs,
 * which `npm start` runs. Why: Node spends most of a cold start finding, reading and compiling the
 * ~1,400 files of the dependencies (botbuilder, restify, the Azure SDK); one file starts ~0.3 s
 * sooner (README, Performance). Nothing else changes: the same compiled modules, the same behaviour.
 *
 * Each module of ours keeps its own `import.meta.url` (rewritten to its file's URL, relative to the
 * bundle), so whatever it finds beside itself — intents/, the web pages, the agent console's UI, the
 * start-up cache's code fingerprint — it finds as it does unbundled, and a module's "am I the
 * program?" check stays false inside the bundle. Native and build-time packages stay outside.
 *
 *   node dist/src/cli/bundle-server.js            dist/src/index.js -> dist/server.mjs
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** Packages loaded from node_modules at run time: native bindings, and esbuild (the console UI's builder). */
export const EXTERNAL = ['better-sqlite3', 'dtrace-provider', 'esbuild', 'bufferutil', 'utf-8-validate'];

/** Our modules (`ownDir`) get their own import.meta.url, as a URL relative to the bundle's. */
function ownImportMeta(ownDir: string, outDir: string): Plugin {
  return {
    name: 'own-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.(js|ts)$/ }, (args) => {
        if (!args.path.startsWith(ownDir + path.sep)) return undefined;
        const text = fs.readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = path.relative(outDir, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

export interface BundleOptions {
  /** The entry module (dist/src/index.js; a test may bundle src/index.ts). */
  entry: string;
  outfile: string;
  /** The folder whose modules keep their own import.meta.url (dist/src, or src). */
  ownDir: string;
}

export async function bundleServer(o: BundleOptions): Promise<{ bytes: number; ms: number }> {
  const t0 = performance.now();
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [o.entry],
    outfile: o.outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Dependencies written as CommonJS call require(): give the module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [ownImportMeta(path.resolve(o.ownDir), path.dirname(path.resolve(o.outfile)))],
    logLevel: 'warning',
    legalComments: 'eof',
    // Whitespace and syntax only, names kept (stack traces still name their functions): V8 keeps every
    // module's source in the heap, and 6 MB instead of 10 MB took ~12 MB off the peak RSS under load.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  return { bytes: fs.statSync(o.outfile).size, ms: performance.now() - t0 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const r = await bundleServer({
    entry: path.join(root, 'dist/src/index.js'),
    outfile: path.join(root, 'dist/server.mjs'),
    ownDir: path.join(root, 'dist/src'),
  });
  process.stdout.write(`dist/server.mjs: ${(r.bytes / 1e6).toFixed(1)} MB in ${Math.round(r.ms)} ms\n`);
}
