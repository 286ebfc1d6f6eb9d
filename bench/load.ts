/**
 * The load: a channel service the bots reply to (the shared kit in tests/helpers/channel-service.ts,
 * keeping only reply texts until taken, so memory stays bounded), the reset-aplikasi walk and a
 * keep-alive load client that POSTs it to /api/messages from `concurrency` workers.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { startChannelService } from '../tests/helpers/channel-service.js';
import { percentile, r1, r2, sleep } from './common.js';
import { startRssSampler, startWindow, type MeasuredWindow, type RssSample } from './sampling.js';

// ---------------------------------------------------------------- load channel

export interface LoadChannel {
  /** serviceUrl for the activities (ends with `/`). */
  url: string;
  /** Reply texts (text + suggested-action titles) received for a conversation since the last take. */
  take(conversationId: string): string[];
  /** Reply POSTs received in total. */
  readonly received: number;
  close(): Promise<void>;
}

/**
 * The channel service of the load: accepts the bot's reply POSTs and keeps, per conversation, the reply
 * texts until the load client takes them (bounded memory); updates and member lookups are not part of
 * the walk (404).
 */
export async function startLoadChannel(): Promise<LoadChannel> {
  const pending = new Map<string, string[]>();
  let received = 0;
  const service = await startChannelService((call) => {
    if (call.kind !== 'send') return { status: 404 };
    received += 1;
    try {
      const a = JSON.parse(call.body || '{}') as { type?: string; text?: string; suggestedActions?: { actions?: Array<{ title?: string }> } };
      if (a.type === 'message') {
        const text = [a.text ?? '', ...(a.suggestedActions?.actions ?? []).map((x) => `[${x.title ?? ''}]`)].join('\n');
        const list = pending.get(call.conversationId);
        if (list) list.push(text);
        else pending.set(call.conversationId, [text]);
      }
    } catch {
      /* counted; not a message we can check */
    }
    return { status: 200, body: { id: randomUUID() } };
  });
  return {
    url: service.url,
    take(conversationId) {
      const list = pending.get(conversationId) ?? [];
      pending.delete(conversationId);
      return list;
    },
    get received() {
      return received;
    },
    close: () => service.close(),
  };
}

// ---------------------------------------------------------------- the walk

export interface WalkStep {
  text: string;
  /** What the reply of the helpdesk bot must contain. */
  expect: RegExp;
}

/** The reset-aplikasi procedure (intents/reset-aplikasi.yaml), 5 turns, ending declined. */
export const RESET_APLIKASI_WALK: WalkStep[] = [
  { text: 'status efaktur belum registrasi', expect: /Belum Registrasi[\s\S]*\[Database rusak/ },
  { text: '1', expect: /Cara reset aplikasi client[\s\S]*Apakah masalahnya sudah teratasi\?/ },
  { text: 'belum', expect: /Reset Aplikasi Client[\s\S]*16 digit[\s\S]*Apakah masalahnya sudah teratasi\?/ },
  { text: 'belum', expect: /ingin dihubungkan dengan petugas helpdesk\?[\s\S]*\[Tidak, terima kasih\]/ },
  { text: 'tidak', expect: /^Baik\. Anda dapat memilih topik lain/ },
];

export type ServerKind = 'bot' | 'echo';

/** What the reply to step `i` (0-based) must look like for this server. */
export function expectedReply(kind: ServerKind, step: WalkStep, i: number): RegExp {
  if (kind === 'bot') return step.expect;
  const esc = step.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^#${i + 1} ${esc}(\\n#${i + 1} ${esc})*$`);
}

// ---------------------------------------------------------------- load client

export interface LoadOptions {
  baseUrl: string;
  channel: LoadChannel;
  kind: ServerKind;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  walk?: WalkStep[];
  /** Prefix of the conversation ids (unique per run). */
  runId?: string;
  /** Process whose CPU time is measured over the window (the server). */
  serverPid?: number;
  /** Several server processes (scale-out): their CPU times are added up. */
  serverPids?: number[];
  /** Sample /proc/<serverPid>/status every 200 ms during the whole run (warm-up included). */
  sampleRss?: boolean;
}

export interface LoadResult {
  kind: ServerKind;
  concurrency: number;
  durationS: number;
  turns: number;
  turnsPerSec: number;
  conversationsCompleted: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Non-200 answers or transport errors (not counted as turns). */
  errors: number;
  /** Turns whose replies were missing or did not match the step (counted as turns). */
  unexpected: number;
  firstProblem?: string;
  /** Reply activities the channel received per counted turn (window). */
  activitiesPerTurn: number;
  /** The slowest turns: latency, walk step (1-based), start (ms after the window opened). */
  slowest: Array<{ ms: number; step: number; atMs: number }>;
  /** Server CPU over the window, in % of one core. */
  serverCpuPct?: number;
  /** Server CPU time per counted turn (ms): the cost of a turn, much less sensitive to other load than turns/s. */
  serverCpuMsPerTurn?: number;
  /** Load client + channel (this process) CPU over the window, in % of one core. */
  clientCpuPct: number;
  /** CPU used by every other process on the machine over the window, in % of one core (interference). */
  othersCpuPct?: number;
  /** The measurement window on the monotonic clock (µs, same clock as V8 CPU profiles). */
  windowUs: [number, number];
  rss?: RssSample;
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `concurrency` workers, each walking the procedure again and again with a fresh conversation id,
 * one turn at a time (a turn is done when the bot answered the POST; by then its replies reached the
 * channel). Throughput counts the turns completed inside the window (`durationMs`, after the warm-up);
 * latency percentiles use the turns that both started and completed inside it.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const walk = o.walk ?? RESET_APLIKASI_WALK;
  const runId = o.runId ?? randomUUID().slice(0, 8);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency, keepAliveMsecs: 10_000 });
  const target = new URL('/api/messages', o.baseUrl);
  const latencies: number[] = [];
  const slow: Array<{ ms: number; step: number; atMs: number }> = [];
  let windowStart = 0;
  let turns = 0;
  let completed = 0;
  let errors = 0;
  let unexpected = 0;
  let firstProblem: string | undefined;
  let measuring = false;
  let stopped = false;
  const sampler = o.sampleRss && o.serverPid ? startRssSampler(o.serverPid) : undefined;

  const worker = async (w: number) => {
    for (let n = 0; !stopped; n++) {
      const conv = `bench-${runId}-${w}-${n}`;
      const user = `user-${runId}-${w}-${n}`;
      let ok = true;
      for (let i = 0; i < walk.length && !stopped && ok; i++) {
        const step = walk[i]!;
        const activity = {
          type: 'message',
          id: `act-${i + 1}-${n}`,
          channelId: 'webchat',
          serviceUrl: o.channel.url,
          from: { id: user, name: 'Pengguna Bench', role: 'user' },
          recipient: { id: 'bot', name: 'Asisten e-Faktur', role: 'bot' },
          conversation: { id: conv },
          timestamp: new Date().toISOString(),
          locale: 'id-ID',
          text: step.text,
        };
        const startedInWindow = measuring;
        const t0 = performance.now();
        try {
          const res = await post(agent, target, JSON.stringify(activity));
          const ms = performance.now() - t0;
          if (res.status !== 200) {
            ok = false;
            if (measuring) errors += 1;
            firstProblem ??= `HTTP ${res.status} at step ${i + 1}: ${res.body.slice(0, 200)}`;
            continue;
          }
          const replies = o.channel.take(conv).join('\n');
          const good = replies.length > 0 && expectedReply(o.kind, step, i).test(replies);
          if (!good) {
            ok = false;
            firstProblem ??= `step ${i + 1} (${JSON.stringify(step.text)}): unexpected reply ${JSON.stringify(replies.slice(0, 200))}`;
          }
          if (measuring) {
            turns += 1;
            // latency: only turns that started inside the window (not the warm-up's first burst)
            if (startedInWindow) {
              latencies.push(ms);
              if (slow.length < 5 || ms > slow[slow.length - 1]!.ms) {
                slow.push({ ms: r1(ms), step: i + 1, atMs: Math.round(t0 - windowStart) });
                slow.sort((a, b) => b.ms - a.ms);
                if (slow.length > 5) slow.pop();
              }
            }
            if (!good) unexpected += 1;
            if (good && i === walk.length - 1) completed += 1;
          }
        } catch (err) {
          ok = false;
          if (measuring) errors += 1;
          firstProblem ??= `transport error at step ${i + 1}: ${(err as Error).message}`;
          await sleep(10);
        }
      }
      o.channel.take(conv);
    }
  };

  const workers = Array.from({ length: o.concurrency }, (_, w) => worker(w));
  await sleep(o.warmupMs);
  measuring = true;
  const received0 = o.channel.received;
  const endWindow = startWindow(o);
  windowStart = performance.now();
  await sleep(o.durationMs);
  measuring = false;
  const window = endWindow();
  const received1 = o.channel.received;
  stopped = true;
  await Promise.all(workers);
  const rss = sampler?.stop();
  agent.destroy();

  const result = loadResult(o.kind, o.concurrency, window, {
    turns,
    completed,
    errors,
    unexpected,
    activities: received1 - received0,
    slowest: slow,
    latencies,
  });
  if (firstProblem) result.firstProblem = firstProblem;
  if (rss) result.rss = rss;
  return result;
}

/** A load point's figures from its counts and its measured window (shared by the bench's load clients). */
export function loadResult(
  kind: LoadResult['kind'],
  concurrency: number,
  w: MeasuredWindow,
  c: { turns: number; completed: number; errors: number; unexpected: number; activities: number; slowest: LoadResult['slowest']; latencies: number[] },
): LoadResult {
  const seconds = w.windowMs / 1000;
  const latencies = [...c.latencies].sort((a, b) => a - b);
  const result: LoadResult = {
    kind,
    concurrency,
    durationS: r2(seconds),
    turns: c.turns,
    turnsPerSec: r1(c.turns / seconds),
    conversationsCompleted: c.completed,
    p50Ms: r2(percentile(latencies, 50)),
    p90Ms: r2(percentile(latencies, 90)),
    p99Ms: r2(percentile(latencies, 99)),
    maxMs: r2(percentile(latencies, 100)),
    errors: c.errors,
    unexpected: c.unexpected,
    activitiesPerTurn: c.turns ? r2(c.activities / c.turns) : 0,
    slowest: c.slowest,
    clientCpuPct: Math.round((w.clientCpuUs / 1000 / w.windowMs) * 100),
    windowUs: w.windowUs,
  };
  if (w.serverCpuS !== undefined) {
    result.serverCpuPct = Math.round((w.serverCpuS / seconds) * 100);
    if (c.turns) result.serverCpuMsPerTurn = r2((w.serverCpuS * 1000) / c.turns);
  }
  if (w.othersCpuS !== undefined) result.othersCpuPct = Math.max(0, Math.round((w.othersCpuS / seconds) * 100));
  return result;
}
