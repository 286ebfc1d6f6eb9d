/**
 * JSON logs with pino. Message text is never logged at info level; anything that might carry user
 * input goes through the privacy mask first (see src/privacy/).
 */
import { createHash } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import { mask } from './privacy/index.js';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'efaktur-helpdesk-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Belt and braces: these fields must never reach a log line unmasked.
      redact: { paths: ['text', '*.text', 'password', '*.password', 'headers.authorization', 'req.headers.authorization'], censor: '[DISAMARKAN]' },
    },
    destination,
  );
}

/** An error as a log field: name and masked message, never the stack (it may hold user data). */
export function errInfo(err: unknown): { name?: string; message: string } {
  const e = err as { name?: string; message?: string } | undefined;
  return { name: e?.name, message: mask(String(e?.message ?? err)).slice(0, 300) };
}

/**
 * A conversation id as logs show it: a short hash. The id itself lets whoever reads the logs post into
 * that conversation (or share its state); the hash still ties a conversation's lines together.
 */
export function logId(conversationId: string | undefined): string | undefined {
  return conversationId ? createHash('sha256').update(conversationId).digest('hex').slice(0, 16) : undefined;
}
