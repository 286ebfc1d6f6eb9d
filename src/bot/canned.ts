/**
 * Canned answers inside Bot Framework: `/code` short codes in chat and the Teams search-based
 * messaging extension (compose extension). The answers are public procedures, so short codes work
 * for everyone: an agent gets the text to copy or forward, a customer who happens to type `/reset`
 * simply gets the same procedure the bot would give.
 */
import { CardFactory, type MessagingExtensionAttachment, type MessagingExtensionResponse } from 'botbuilder';
import type { AnswerIndex, CannedAnswer } from '../answers/index.js';
import { cardAttachment, type OutActivity } from './render.js';

/** Short-code commands: `/reset`, `/jawab reset`, `/` (list), `/cari <kata>`. Returns undefined when the text is not one. */
export function shortCodeReply(text: string, index: AnswerIndex): { activity: OutActivity; used?: CannedAnswer } | undefined {
  const m = text.trim().match(/^\/(\S*)\s*(.*)$/s);
  if (!m) return undefined;
  const cmd = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  const list = (title: string, answers: CannedAnswer[]): OutActivity => ({
    type: 'message',
    textFormat: 'markdown',
    text: answers.length
      ? `${title}\n\n${answers.map((a) => `- \`/${a.code}\` — ${a.title}`).join('\n')}\n\nKetik \`/kode\` (misalnya \`/${answers[0]!.code}\`) untuk menampilkan jawabannya.`
      : `${title}\n\nTidak ada jawaban yang cocok. Ketik \`/\` untuk melihat semua kode.`,
  });
  if (cmd === '') return { activity: list('Daftar jawaban siap pakai:', index.answers) };
  if (cmd === 'cari') return { activity: list(`Hasil pencarian "${rest.slice(0, 80).replace(/[`*_]/g, '')}":`, index.search(rest, 8).map((h) => h.answer)) };
  const code = cmd === 'jawab' ? rest.split(/\s+/)[0]?.toLowerCase() ?? '' : cmd;
  const answer = index.get(code);
  if (answer) return { activity: { type: 'message', textFormat: 'markdown', text: answer.markdown }, used: answer };
  if (cmd === 'selesai' || cmd === 'daftar-agen') return undefined; // live-agent commands
  const near = index.search(code, 5).map((h) => h.answer);
  return { activity: list(`Kode \`/${code.slice(0, 40).replace(/[`*_]/g, '')}\` tidak ditemukan. Mungkin maksud Anda:`, near) };
}

function extensionAttachment(a: CannedAnswer): MessagingExtensionAttachment {
  const preview = CardFactory.thumbnailCard(a.title, `/${a.code} · ${a.tags.filter((t) => t !== a.intent).slice(0, 3).join(', ')}`, undefined, undefined);
  // A tap on the preview sends composeExtension/selectItem with this value.
  (preview.content as Record<string, unknown>).tap = { type: 'invoke', value: { id: a.id } };
  return { ...cardAttachment(a.card), preview };
}

export function extensionResult(answers: CannedAnswer[]): MessagingExtensionResponse {
  return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: answers.map(extensionAttachment) } };
}

export function extensionSelected(answer: CannedAnswer | undefined): MessagingExtensionResponse {
  if (!answer) return { composeExtension: { type: 'message', text: 'Jawaban tidak ditemukan.' } };
  return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [{ ...cardAttachment(answer.card) }] } };
}
