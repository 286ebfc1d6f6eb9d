/**
 * Entry point: `npm start`. Reads the configuration, loads the content, starts the server and stops
 * gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight turns, exit 0).
 */
import { CatalogError } from './catalog/load.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createApp } from './server.js';

function fail(lines: string[]): never {
  for (const l of lines) process.stderr.write(`${l}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
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
    app = createApp(config);
  } catch (err) {
    if (err instanceof CatalogError) fail([err.message]);
    fail([`Start-up failed: ${(err as Error).message}`]);
  }
  const url = await app.start();
  const shown = url.replace('127.0.0.1', 'localhost');
  app.logger.info({ url, storage: config.storage.kind, intents: app.core.catalog.intents.size, matcherBuildMs: Math.round(app.core.matcher.buildMs) }, 'bot started');
  if (!config.auth.appId) {
    const exposed = config.host !== '127.0.0.1' && config.host !== '::1' && config.host !== 'localhost';
    app.logger.warn({ host: config.host }, exposed
      ? 'anonymous mode (no MicrosoftAppId) on a public interface: /api/messages accepts only this machine\'s tools and the built-in web chat; Teams and Azure channels need credentials'
      : 'anonymous mode (no MicrosoftAppId): for local tools (Emulator, Agents Playground, the chat page); listening on this machine only');
  }
  process.stdout.write(`\nAsisten e-Faktur is running.\n  Chat page:          ${shown}/\n  Messaging endpoint: ${shown}/api/messages  (Bot Framework Emulator, Agents Playground)\n  Agent console:      ${shown}/agent\n\n`);

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
