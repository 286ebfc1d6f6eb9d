/**
 * Words users answer yes/no prompts with, raw and normalised, kept in the classifier's vocabulary so
 * typo repair never "corrects" one into another word. What they mean is read in `flow/yes-no.ts`.
 */
export const ANSWER_WORDS: readonly string[] = [
  'tidak', 'belum', 'gagal', 'masih', 'bukan', 'nope', 'nggak', 'gak', 'ga', 'gk', 'enggak', 'blm', 'belom',
  'eror', 'error', 'batal', 'jangan', 'ogah', 'salah', 'sama', 'no', 'ya', 'iya', 'iyaa', 'iy', 'y', 'yes',
  'yup', 'yap', 'ok', 'oke', 'okay', 'okey', 'sip', 'siap', 'sudah', 'udah', 'udh', 'sdh', 'berhasil',
  'beres', 'mantap', 'done', 'solved', 'teratasi', 'betul', 'benar', 'bener', 'sukses', 'selesai', 'boleh',
  'ingin', 'mau', 'bisa', 'lancar', 'aman', 'work', 'works', 'setuju', 'lanjut', 'silakan', 'silahkan',
  'baik', 'hayuk', 'ayo', 'gas',
];
