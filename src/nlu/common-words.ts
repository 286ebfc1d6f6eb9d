/**
 * Everyday Indonesian words, which the typo repair must leave alone: without them it pulled any word the
 * examples do not hold to the nearest one they do ("berada" → "berapa", "dingin" → "ingin", "sisa" →
 * "bisa", "kanan" → "kapan"), turning statements into questions and remarks into answers.
 *
 * The list is the 20,000 most frequent words of Indonesian film subtitles (conversational, as chats
 * are), from zxcvbn-ts's Indonesian package (MIT; the data is ODC-BY, from OpenSubtitles via OPUS). A
 * word list is data, not a domain rule, so it comes from a maintained package rather than by hand.
 * Words the helpdesk maps on purpose (slang in `_lexicon.yaml`, the vocabulary of the examples) are
 * read before this list is consulted.
 */
// Only the common-words file (the package's index also decompresses three more lists: ~30 ms).
import words from '@zxcvbn-ts/language-id/dist/commonWords.json.mjs';

/** The common words (lower case, letters only). */
export const COMMON_WORDS: ReadonlySet<string> = new Set(words.filter((w) => /^\p{Ll}+$/u.test(w)));
