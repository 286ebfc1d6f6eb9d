/**
 * The web-chat load of the scale-out bench (bench/scale-out.ts): users walking the reset-aplikasi
 * procedure through the built-in Direct Line, as Web Chat does it (a token, a conversation, then per
 * turn a POST of the message and a GET of the activities after the watermark), each conversation from
 * its own loopback source address.
 */
import http from 'node:http';
import { sleep } from './common.js';
import { RESET_APLIKASI_WALK, expectedReply, loadResult, type LoadResult, type WalkStep } from './load.js';
import { startWindow } from './sampling.js';

interface DlActivity {
  type?: string;
  text?: string;
  from?: { role?: string };
  suggestedActions?: { actions?: Array<{ title?: string }> };
}

function request(agent: http.Agent, base: URL, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: raw ? JSON.parse(raw) : undefined });
          } catch {
            resolve({ status: res.statusCode ?? 0, json: raw });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The n-th loopback source address for conversations: 127.1.0.1 … 127.1.255.254, round and round. */
function sourceAddress(n: number): string {
  const i = (n % 65_000) + 1;
  return `127.1.${Math.floor(i / 254)}.${(i % 254) + 1}`;
}

const botText = (activities: DlActivity[]) =>
  activities
    .filter((a) => a.type === 'message' && a.from?.role === 'bot')
    .map((a) => [a.text ?? '', ...(a.suggestedActions?.actions ?? []).map((x) => `[${x.title ?? ''}]`)].join('\n'))
    .join('\n');

export interface DirectLineLoadOptions {
  baseUrl: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  walk?: WalkStep[];
  serverPids?: number[];
}

/**
 * `concurrency` web-chat users, each walking the procedure in a fresh conversation again and again.
 * A turn is the POST of the user's message plus the GET that shows the bot's replies; the token,
 * the conversation start and the welcome are not counted as turns (but their cost is in the CPU).
 */
export async function runDirectLineLoad(o: DirectLineLoadOptions): Promise<LoadResult> {
  const walk = o.walk ?? RESET_APLIKASI_WALK;
  const base = new URL(o.baseUrl);
  const latencies: number[] = [];
  let turns = 0;
  let completed = 0;
  let errors = 0;
  let unexpected = 0;
  let replies = 0;
  let firstProblem: string | undefined;
  let measuring = false;
  let stopped = false;
  let conversations = 0;

  const worker = async () => {
    while (!stopped) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: sourceAddress(conversations++) });
      try {
        const g = await request(agent, base, 'POST', '/v3/directline/tokens/generate');
        const token0 = (g.json as { token?: string })?.token;
        if (g.status !== 200 || !token0) throw new Error(`token: HTTP ${g.status} ${JSON.stringify(g.json).slice(0, 120)}`);
        const c = await request(agent, base, 'POST', '/v3/directline/conversations', token0, { locale: 'id-ID' });
        const { conversationId, token } = (c.json ?? {}) as { conversationId?: string; token?: string };
        if (c.status !== 201 || !conversationId || !token) throw new Error(`conversation: HTTP ${c.status}`);
        const activitiesPath = (wm: string) => `/v3/directline/conversations/${conversationId}/activities?watermark=${wm}`;
        // The welcome first, as a user sees it (a message sent before it would race the join turn).
        let watermark = '';
        const welcomeBy = Date.now() + 20_000;
        let welcomed = false;
        while (!stopped) {
          const p = await request(agent, base, 'GET', activitiesPath(watermark), token);
          const page = p.json as { activities?: DlActivity[]; watermark?: string };
          watermark = page?.watermark ?? watermark;
          if (botText(page?.activities ?? [])) {
            welcomed = true;
            break;
          }
          if (Date.now() > welcomeBy) throw new Error('no welcome within 20 s');
          await sleep(10);
        }
        if (!welcomed) continue; // stopped while waiting
        for (let i = 0; i < walk.length && !stopped; i++) {
          const step = walk[i]!;
          const startedInWindow = measuring;
          const t0 = performance.now();
          const posted = await request(agent, base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, token, {
            type: 'message',
            text: step.text,
            locale: 'id-ID',
          });
          if (posted.status !== 200) {
            if (measuring) errors += 1;
            firstProblem ??= `HTTP ${posted.status} posting step ${i + 1}: ${JSON.stringify(posted.json).slice(0, 200)}`;
            break;
          }
          const p = await request(agent, base, 'GET', activitiesPath(watermark), token);
          const page = p.json as { activities?: DlActivity[]; watermark?: string };
          const ms = performance.now() - t0;
          watermark = page?.watermark ?? watermark;
          const text = botText(page?.activities ?? []);
          const good = p.status === 200 && text.length > 0 && expectedReply('bot', step, i).test(text);
          if (!good) firstProblem ??= `step ${i + 1} (${JSON.stringify(step.text)}): HTTP ${p.status}, reply ${JSON.stringify(text.slice(0, 200))}`;
          if (measuring) {
            turns += 1;
            replies += (page?.activities ?? []).filter((a) => a.from?.role === 'bot').length;
            if (startedInWindow) latencies.push(ms);
            if (!good) unexpected += 1;
            if (good && i === walk.length - 1) completed += 1;
          }
          if (!good) break;
        }
      } catch (err) {
        if (measuring) errors += 1;
        firstProblem ??= `transport or protocol error: ${(err as Error).message}`;
        await sleep(10);
      } finally {
        agent.destroy();
      }
    }
  };

  const workers = Array.from({ length: o.concurrency }, () => worker());
  await sleep(o.warmupMs);
  measuring = true;
  const endWindow = startWindow(o);
  await sleep(o.durationMs);
  measuring = false;
  const window = endWindow();
  stopped = true;
  await Promise.all(workers);

  const result = loadResult('bot', o.concurrency, window, { turns, completed, errors, unexpected, activities: replies, slowest: [], latencies });
  if (firstProblem) result.firstProblem = firstProblem;
  return result;
}
