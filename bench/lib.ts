/**
 * The pieces of `npm run bench` (bench/run.ts) in one import, so tests/bench.smoke.test.ts can run them
 * with tiny numbers. Each lives in its own module:
 *  - common.ts: the repository root, percentiles, rounding, the machine, temporary folders;
 *  - matcher.ts: the matcher micro-benchmark (training, classification latency over the dev set);
 *  - load.ts: the channel service the bots reply to (the shared kit tests/helpers/channel-service.ts),
 *    the reset-aplikasi walk and the keep-alive load client;
 *  - sampling.ts: RSS and CPU of a process and of the machine, from /proc;
 *  - processes.ts: the bot / the echo baseline as child processes, cold start, building dist/;
 *  - orchestrate.ts: `runBench` (the whole run and its targets);
 *  - report.ts: the markdown tables and the JSON file;
 *  - profile.ts: `profileBot` + `summariseCpuProfile` (node --cpu-prof of the bot under load);
 *  - scale-out.ts (+ proxy.ts): one vs two instances behind a round-robin proxy.
 */
export * from './common.js';
export * from './matcher.js';
export * from './load.js';
export * from './sampling.js';
export * from './processes.js';
export * from './orchestrate.js';
export * from './report.js';
export * from './profile.js';
