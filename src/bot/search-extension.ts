/**
 * The Teams search-based messaging extension ("Cari jawaban" in the compose box): agents search the
 * canned answers (an empty query lists the most used) and insert one as a card.
 */
import { CardFactory, type MessagingExtensionAttachment, type MessagingExtensionQuery, type MessagingExtensionResponse } from 'botbuilder';
import type { AnswerIndex, CannedAnswer } from '../answers/index.js';
import type { AnswerUsage } from '../answers/usage.js';
import { cardAttachment } from './render.js';

function extensionAttachment(a: CannedAnswer): MessagingExtensionAttachment {
  const preview = CardFactory.thumbnailCard(
    a.title,
    `/${a.code} · ${a.tags
      .filter((t) => t !== a.intent)
      .slice(0, 3)
      .join(', ')}`,
    undefined,
    undefined,
  );
  // A tap on the preview sends composeExtension/selectItem with this value.
  (preview.content as Record<string, unknown>).tap = { type: 'invoke', value: { id: a.id } };
  return { ...cardAttachment(a.card), preview };
}

function extensionResult(answers: CannedAnswer[]): MessagingExtensionResponse {
  return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: answers.map(extensionAttachment) } };
}

function extensionSelected(answer: CannedAnswer | undefined, notFound: string): MessagingExtensionResponse {
  if (!answer) return { composeExtension: { type: 'message', text: notFound } };
  return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [{ ...cardAttachment(answer.card) }] } };
}

/** A search: the query's results, or the most used answers when it is empty or the initial run. */
export async function searchAnswers(
  rawQuery: MessagingExtensionQuery | undefined,
  answers: AnswerIndex,
  usage: AnswerUsage,
): Promise<MessagingExtensionResponse> {
  const query: MessagingExtensionQuery = rawQuery && typeof rawQuery === 'object' ? rawQuery : {};
  const q = String(query.parameters?.find((p) => p.name === 'q')?.value ?? query.parameters?.[0]?.value ?? '').trim();
  const skip = Math.max(0, query.queryOptions?.skip ?? 0);
  const count = Math.min(Math.max(query.queryOptions?.count ?? 10, 1), 25);
  let list: CannedAnswer[];
  if (!q || query.parameters?.[0]?.name === 'initialRun') {
    const counts = await usage.counts().catch((): Record<string, number> => ({}));
    list = [...answers.answers].sort((a, b) => (counts[b.id] ?? 0) - (counts[a.id] ?? 0));
  } else {
    list = answers.search(q, 50).map((h) => h.answer);
  }
  return extensionResult(list.slice(skip, skip + count));
}

/** The answer picked from the results (counted as used). */
export async function selectAnswer(value: unknown, answers: AnswerIndex, usage: AnswerUsage, notFound: string): Promise<MessagingExtensionResponse> {
  // The client's JSON: an id that is no string or number names no answer (as '[object Object]' named none).
  const given = (value as { id?: unknown } | undefined)?.id;
  const id = typeof given === 'string' || typeof given === 'number' ? String(given) : '';
  const answer = answers.get(id);
  if (answer) await usage.increment(answer.id).catch(() => undefined);
  return extensionSelected(answer, notFound);
}
