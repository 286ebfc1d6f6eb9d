/**
 * Entry point: `npm start`. Reads the configuration, loads the content, starts the server and stops
 * gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight turns, exit 0).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { CatalogError } from './catalog/load.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';

/**
 * How far V8 lets the old generation grow past what survived the last full collection (V8 picks 1.1x
 * to 4x by itself). Under load a turn's objects outlive two scavenges (a hundred turns are in flight)
 * and are promoted, so with V8's own choice the heap filled up to ~190 MB of mostly garbage and the
 * process peaked at 260-380 MB RSS at 100 conversations (the echo bot on the same stack too; the live
 * heap is ~55 MB). 1.3x keeps the peak at 184-206 MB. The price is a full collection every second or
 * so under that load, whose marking grows with the live heap: 11-15 % fewer turns/s at 100
 * conversations on a quiet machine (README, Performance). An explicit
 * --heap-growing-percent (command line or NODE_OPTIONS) wins; a V8 without the flag ignores it.
 */
export const HEAP_GROWING_PERCENT = 30;

function tuneHeap(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  if (!given) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * One full collection once the content is loaded and the model trained: the factor above only applies
 * from a full collection on, and until the first one V8's initial limit (~160 MB here) holds, so
 * without it the first minutes under load could still peak above 200 MB. It also drops the training's
 * garbage. `gc` is not exposed by default: the flag makes it available to a new context only.
 */
function collectStartupGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

function fail(lines: string[]): never {
  for (const l of lines) process.stderr.write(`${l}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  tuneHeap();
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(['Configuration error (see .env.example):', ...err.problems.map((p) => `  ${p}`)]);
    throw err;
  }
  let app;
  try {
    // Imported here, not at the top: the word lists of intents/_privacy.yaml and _reading.yaml are read
    // and validated when their modules load, and a bad file must end in its own message, not a stack.
    const { createApp } = await import('./server.js');
    app = createApp(config);
  } catch (err) {
    if (err instanceof CatalogError) fail([err.message]);
    if (err instanceof Error && ['PrivacyWordsError', 'ReadingWordsError', 'PageWordsError'].includes(err.name)) fail([err.message]);
    fail([`Start-up failed: ${(err as Error).message}`]);
  }
  collectStartupGarbage(); // ~50 ms, before listening: once ready, the process is ready
  const url = await app.start();
  const shown = url.replace('127.0.0.1', 'localhost');
  app.logger.info(
    {
      url,
      storage: config.storage.kind,
      intents: app.core.catalog.intents.size,
      matcherBuildMs: Math.round(app.core.matcher.buildMs),
      matcherFromCache: app.core.matcher.fromCache,
    },
    'bot started',
  );
  if (!config.auth.appId) {
    const exposed = config.host !== '127.0.0.1' && config.host !== '::1' && config.host !== 'localhost';
    app.logger.warn(
      { host: config.host },
      exposed
        ? "anonymous mode (no MicrosoftAppId) on a public interface: /api/messages accepts only this machine's tools and the built-in web chat; Teams and Azure channels need credentials"
        : 'anonymous mode (no MicrosoftAppId): for local tools (Emulator, Agents Playground, the chat page); listening on this machine only',
    );
  }
  process.stdout.write(
    `\nAsisten e-Faktur is running.\n  Chat page:          ${shown}/\n  Messaging endpoint: ${shown}/api/messages  (Bot Framework Emulator, Agents Playground)\n  Agent console:      ${shown}/agent\n\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping: finishing in-flight turns');
    await app.stop();
    app.logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Start-up failed: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
