/**
 * Operational configuration, read once at start from the environment (and an optional `.env`),
 * validated with zod. Every variable is documented in `.env.example`.
 *
 * Content a helpdesk editor changes (wording, procedures, contacts, hours) is NOT here: it lives in
 * `intents/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const int = (min: number, max: number, dflt: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: `must be a whole number between ${min} and ${max}` })
      .int(`must be a whole number between ${min} and ${max}`)
      .min(min, `must be a whole number between ${min} and ${max}`)
      .max(max, `must be a whole number between ${min} and ${max}`)
      .default(dflt),
  );

const envSchema = z.object({
  PORT: int(0, 65535, 3978),
  /** Default: all interfaces with credentials; loopback in anonymous mode (which is for local tools). */
  HOST: optionalString,
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.preprocess(
    emptyToUndefined,
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { error: 'must be one of MultiTenant, SingleTenant, UserAssignedMSI' }).default('MultiTenant'),
  ),
  MicrosoftAppTenantId: optionalString,
  BOT_OPENID_METADATA: z.preprocess(emptyToUndefined, z.url({ error: 'must be an absolute URL' }).optional()),
  STORAGE: z.preprocess(emptyToUndefined, z.enum(['memory', 'sqlite', 'redis'], { error: 'must be one of memory, sqlite, redis' }).default('sqlite')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  REDIS_PREFIX: z.preprocess(emptyToUndefined, z.string().default('efaktur-bot:')),
  STATE_TTL_DAYS: int(1, 3650, 30),
  STATE_MAX_CONVERSATIONS: int(100, 100_000_000, 200_000),
  INTENTS_DIR: z.preprocess(emptyToUndefined, z.string().default('./intents')),
  // 'off': parse the content and train the model at every start-up; empty means the default, as for every other setting.
  CACHE_DIR: z.preprocess(emptyToUndefined, z.string().default('./.cache')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
      .default('info'),
  ),
  AGENT_API_KEY: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  AGENTS: optionalString,
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional()),
  AGENTS_TEAMS_TENANT: optionalString,
  AGENTS_TEAMS_CHANNEL: optionalString,
  DIRECT_LINE_SECRET: optionalString,
  DIRECT_LINE_ENDPOINT: z.preprocess(
    emptyToUndefined,
    z.url({ error: 'must be an absolute URL' }).default('https://directline.botframework.com/v3/directline'),
  ),
  DIRECT_LINE_TOKEN_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  RATE_LIMIT_MESSAGES: int(1, 10000, 10),
  NEW_CONVERSATIONS_PER_SOURCE: int(1, 1000000, 1000),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 3600, 10),
  HANDOFF_WAIT_SECONDS: int(10, 86400, 300),
  AGENT_HOURS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must look like 08:00-16:00')
      .default('08:00-16:00'),
  ),
  AGENT_DAYS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[1-7](,[1-7])*$/, 'must be ISO weekdays separated by commas, e.g. 1,2,3,4,5')
      .default('1,2,3,4,5'),
  ),
  TIMEZONE_OFFSET_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ error: 'must be a whole number of minutes, e.g. 420 for WIB' }).int().min(-720).max(840).default(420),
  ),
});

export type Env = z.infer<typeof envSchema>;

export interface AgentAccount {
  id: string;
  name: string;
  /** sha256 hex of the agent's key. */
  keyHash: string;
  /** May open the insights page (`/agent/insights`): the 4th field `supervisor` of the AGENTS entry. */
  supervisor?: true;
}

export interface Config {
  port: number;
  host: string;
  auth: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    /** OpenID metadata for channel tokens (sovereign clouds, tests); empty = the public Bot Framework. */
    openIdMetadataUrl?: string;
  };
  storage: {
    kind: 'memory' | 'sqlite' | 'redis';
    dataDir: string;
    redisUrl?: string;
    redisPrefix: string;
    ttlSeconds: number;
    /** At most this many conversations are kept; beyond it the least recently active are evicted. */
    maxConversations: number;
  };
  intentsDir: string;
  /** The start-up cache: the checked content and the trained model (src/cache/startup-cache.ts); undefined = none. */
  cacheDir?: string;
  logLevel: Env['LOG_LEVEL'];
  agentApiKey?: string;
  agents: AgentAccount[];
  /** Signs the agent console's session cookies; unset = a random secret kept in the store (never derived from other settings). */
  sessionSecret?: string;
  /** The one Teams channel where agents take escalations (needs credentials): tenant id and channel ids. */
  agentsTeams?: { tenantId: string; channelIds: string[] };
  directLineSecret?: string;
  directLineTokenSecret?: string;
  /** Azure Direct Line base URL (token exchange; the page talks to it in Azure mode). */
  directLineEndpoint: string;
  rateLimit: { messages: number; windowMs: number };
  /** Anonymous mode: conversations one source address may start per 10 minutes. */
  newConversationsPerSource: number;
  handoff: { waitSeconds: number; hours: string; days: number[]; tzOffsetMinutes: number };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseAgents(raw: string | undefined, problems: string[]): AgentAccount[] {
  if (!raw) return [];
  const agents: AgentAccount[] = [];
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, name, keyHash, role, ...rest] = entry.split(':');
    if (!id || !name || !keyHash || !/^[a-z0-9._-]+$/i.test(id) || !/^[0-9a-f]{64}$/i.test(keyHash)) {
      problems.push(`AGENTS: entry "${entry.slice(0, 40)}" must look like id:Display Name:<sha256 hex of the key> (optionally followed by :supervisor)`);
      continue;
    }
    if ((role !== undefined && role.trim().toLowerCase() !== 'supervisor') || rest.length) {
      problems.push(`AGENTS: entry for "${id}": the optional 4th field must be "supervisor" (got "${[role, ...rest].join(':').slice(0, 20)}")`);
      continue;
    }
    agents.push({ id, name, keyHash: keyHash.toLowerCase(), ...(role !== undefined ? { supervisor: true as const } : {}) });
  }
  return agents;
}

/** Validates an environment; throws ConfigError with one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const raw = env[name];
      return `${name}=${raw === undefined ? '(unset)' : JSON.stringify(String(raw).slice(0, 40))}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.STORAGE === 'redis' && !e.REDIS_URL) problems.push('REDIS_URL: required when STORAGE=redis (e.g. redis://127.0.0.1:6379)');
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI') {
    problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  if (e.MicrosoftAppType === 'SingleTenant' && e.MicrosoftAppId && !e.MicrosoftAppTenantId) {
    problems.push('MicrosoftAppTenantId: required when MicrosoftAppType=SingleTenant');
  }
  const agents = parseAgents(e.AGENTS, problems);
  // The agents' Teams channel receives every escalation and may write to users: only a configured
  // channel of a configured tenant, and only when Teams' tokens are checked (credentials).
  if ((e.AGENTS_TEAMS_TENANT || e.AGENTS_TEAMS_CHANNEL) && !(e.AGENTS_TEAMS_TENANT && e.AGENTS_TEAMS_CHANNEL))
    problems.push('AGENTS_TEAMS_TENANT, AGENTS_TEAMS_CHANNEL: set both (the tenant id and the channel id, e.g. 19:…@thread.tacv2) or neither');
  if (e.AGENTS_TEAMS_CHANNEL && !e.MicrosoftAppId)
    problems.push("AGENTS_TEAMS_CHANNEL: requires MicrosoftAppId (in anonymous mode anyone could pose as the agents' channel)");
  if (problems.length) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST ?? (e.MicrosoftAppId ? '0.0.0.0' : '127.0.0.1'),
    auth: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      openIdMetadataUrl: e.BOT_OPENID_METADATA,
    },
    storage: {
      kind: e.STORAGE,
      dataDir: path.resolve(e.DATA_DIR),
      redisUrl: e.REDIS_URL,
      redisPrefix: e.REDIS_PREFIX,
      ttlSeconds: e.STATE_TTL_DAYS * 86400,
      maxConversations: e.STATE_MAX_CONVERSATIONS,
    },
    intentsDir: path.resolve(e.INTENTS_DIR),
    cacheDir: e.CACHE_DIR.trim().toLowerCase() === 'off' ? undefined : path.resolve(e.CACHE_DIR),
    logLevel: e.LOG_LEVEL,
    agentApiKey: e.AGENT_API_KEY,
    agents,
    sessionSecret: e.SESSION_SECRET,
    agentsTeams:
      e.AGENTS_TEAMS_TENANT && e.AGENTS_TEAMS_CHANNEL
        ? {
            tenantId: e.AGENTS_TEAMS_TENANT,
            channelIds: e.AGENTS_TEAMS_CHANNEL.split(',')
              .map((c) => c.trim())
              .filter(Boolean),
          }
        : undefined,
    directLineSecret: e.DIRECT_LINE_SECRET,
    directLineTokenSecret: e.DIRECT_LINE_TOKEN_SECRET,
    directLineEndpoint: e.DIRECT_LINE_ENDPOINT.replace(/\/+$/, ''),
    rateLimit: { messages: e.RATE_LIMIT_MESSAGES, windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000 },
    newConversationsPerSource: e.NEW_CONVERSATIONS_PER_SOURCE,
    handoff: {
      waitSeconds: e.HANDOFF_WAIT_SECONDS,
      hours: e.AGENT_HOURS,
      days: e.AGENT_DAYS.split(',').map(Number),
      tzOffsetMinutes: e.TIMEZONE_OFFSET_MINUTES,
    },
  };
}

/** Loads `.env` from the working directory when present (real environment variables win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
