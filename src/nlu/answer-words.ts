/** Words users answer yes/no prompts with (used by the flow's option resolver and kept in the matcher's vocabulary). */
/** Tokens (after normalisation) that mean "no / not solved"; checked before "yes" ("belum teratasi"). */
export const NO_WORDS = new Set(['tidak', 'belum', 'gagal', 'masih', 'bukan', 'nope', 'nggak', 'gak', 'ga', 'gk', 'enggak', 'blm', 'belom', 'eror', 'error', 'batal', 'jangan', 'ogah', 'salah', 'sama', 'no']);
/** Tokens that mean "yes / solved", also at the start of a longer answer ("sudah, makasih"). */
export const YES_WORDS = new Set(['ya', 'iya', 'iyaa', 'iy', 'y', 'yes', 'yup', 'yap', 'ok', 'oke', 'okay', 'okey', 'sip', 'siap', 'sudah', 'udah', 'udh', 'sdh', 'berhasil', 'beres', 'mantap', 'done', 'solved', 'teratasi', 'betul', 'benar', 'bener', 'sukses', 'selesai']);
/** Weaker "yes" words, only for answers of up to three words ("boleh", "mau", "bisa kok"). */
export const SHORT_YES_WORDS = new Set(['boleh', 'ingin', 'mau', 'bisa', 'lancar', 'aman', 'work', 'works', 'setuju', 'lanjut', 'silakan', 'silahkan', 'baik', 'hayuk', 'ayo', 'gas']);
/** Every yes/no word, so the normaliser never "corrects" one into another word. */
export const ANSWER_WORDS = [...NO_WORDS, ...YES_WORDS, ...SHORT_YES_WORDS];
