/**
 * Makes an `AGENTS` entry for the agent console:
 *
 *   npx tsx src/web/console/agent-key.ts budi "Budi Santoso"
 *       prints a new random key (give it to the agent, privately) and the entry
 *       `budi:Budi Santoso:<sha256 hex of the key>` to add to AGENTS (comma-separated)
 *   npx tsx src/web/console/agent-key.ts budi "Budi Santoso" --stdin   (the key from standard input)
 *
 * A key shorter than MIN_AGENT_KEY_LENGTH characters is refused (the console would never accept it).
 * The key is not taken from the command line, where shell history and `ps` would keep it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MIN_AGENT_KEY_LENGTH, keyLength } from '../agent-auth.js';

/** sha256 hex of a key, for AGENTS; throws for a key shorter than MIN_AGENT_KEY_LENGTH. */
export function agentKeyHash(key: string): string {
  if (keyLength(key) < MIN_AGENT_KEY_LENGTH) {
    throw new RangeError(`the key must be at least ${MIN_AGENT_KEY_LENGTH} characters (it has ${keyLength(key)})`);
  }
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** One AGENTS entry `id:Display Name:<sha256 hex>` (the same rules as src/config.ts reads them with). */
export function agentEntry(id: string, name: string, key: string): string {
  if (!/^[a-z0-9._-]+$/i.test(id)) throw new RangeError('the id may hold only letters, digits, ".", "_" and "-"');
  if (!name.trim() || /[:,]/.test(name)) throw new RangeError('the display name must not be empty nor contain ":" or ","');
  return `${id}:${name.trim()}:${agentKeyHash(key)}`;
}

/** A new random key (32 characters, 192 bits). */
export const newAgentKey = (): string => randomBytes(24).toString('base64url');

function main(argv: string[]): number {
  const args = argv.filter((a) => a !== '--stdin');
  const fromStdin = args.length !== argv.length;
  const [id, name] = args;
  if (!id || !name || args.length > 2) {
    process.stderr.write('usage: npx tsx src/web/console/agent-key.ts <id> "<Display Name>" [--stdin]\n');
    return 2;
  }
  try {
    const key = fromStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : newAgentKey();
    const entry = agentEntry(id, name, key);
    if (!fromStdin) process.stdout.write(`key (give it to the agent, then forget it): ${key}\n`);
    process.stdout.write(`AGENTS entry: ${entry}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`refused: ${(err as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
