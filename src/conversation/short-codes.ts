/**
 * Canned answers as `/code` short codes in chat (the Teams search extension is src/bot/search-extension.ts).
 * The answers are public procedures, so short codes work for everyone: an agent gets the text to copy
 * or forward, a customer who happens to type `/reset` simply gets the same procedure the bot would give.
 */
import type { AnswerIndex, CannedAnswer } from '../answers/index.js';
import { fill } from '../catalog/fill.js';

/**
 * Short-code commands: `/reset`, `/jawab reset`, `/` (list), `/cari <kata>`. Returns the Markdown reply
 * (and the answer used, for its usage count), or undefined when the text is not one.
 */
export function shortCodeReply(text: string, index: AnswerIndex): { text: string; used?: CannedAnswer } | undefined {
  const m = text.trim().match(/^\/(\S*)\s*(.*)$/s);
  if (!m) return undefined;
  const cmd = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  const w = index.words;
  const list = (title: string, answers: CannedAnswer[]): string =>
    answers.length
      ? `${title}\n\n${answers.map((a) => `- \`/${a.code}\` — ${a.title}`).join('\n')}\n\n${fill(w.showHint, { example: answers[0]!.code })}`
      : `${title}\n\n${w.noMatch}`;
  const plain = (s: string) => s.replace(/[`*_]/g, '');
  if (cmd === '') return { text: list(w.list, index.answers) };
  if (cmd === 'cari')
    return {
      text: list(
        fill(w.searchResults, { query: plain(rest.slice(0, 80)) }),
        index.search(rest, 8).map((h) => h.answer),
      ),
    };
  const code = cmd === 'jawab' ? (rest.split(/\s+/)[0]?.toLowerCase() ?? '') : cmd;
  const answer = index.get(code);
  if (answer) return { text: answer.markdown, used: answer };
  if (cmd === 'selesai' || cmd === 'daftar-agen') return undefined; // live-agent commands
  const near = index.search(code, 5).map((h) => h.answer);
  return { text: list(fill(w.unknownCode, { code: plain(code.slice(0, 40)) }), near) };
}
