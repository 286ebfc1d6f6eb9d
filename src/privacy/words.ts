/**
 * Word lists of the keyword rules in `mask.ts` (moved out of it, which grew too long): the words that
 * may sit between a keyword and its value, the ordinary words that show the user is talking ABOUT a
 * password rather than typing it, and the words that end a multi-word value.
 */

/** Words between a code keyword and the code: "kode aktivasi e-Faktur saya adalah: …". */
export const CODE_FILLERS: ReadonlySet<string> = new Set([
  'saya', 'aku', 'gw', 'gue', 'kami', 'nya', 'adalah', 'yaitu', 'yakni', 'ialah', 'itu', 'ini', 'is',
  'aktivasi', 'activation', 'number', 'efaktur', 'e-faktur', 'desktop', 'yang', 'dari', 'di', 'baru', 'lama', 'kita',
]);

/** After these words (or ":" / "=") what follows is clearly the value. */
export const EXPLICIT_WORDS: ReadonlySet<string> = new Set(['adalah', 'yaitu', 'yakni', 'ialah', 'nya', 'is']);

/** Pronouns / demonstratives that may sit between the keyword and the value ("pass gw budi1990"). */
export const PRONOUNS: ReadonlySet<string> = new Set(['saya', 'sy', 'sya', 'aku', 'aq', 'gw', 'gue', 'gua', 'ane', 'ku', 'kami', 'kita', 'itu', 'ini', 'my', 'the']);

/** Describe which password is meant; skipped before the value ("password efaktur baru: …"). */
export const QUALIFIERS: ReadonlySet<string> = new Set([
  'efaktur', 'e-faktur', 'enofa', 'e-nofa', 'akun', 'account', 'web', 'baru', 'lama', 'login', 'masuk', 'untuk', 'utk',
  'buat', 'di', 'ke', 'dari', 'yang', 'djp', 'djponline', 'online', 'sertifikat', 'elektronik', 'aplikasi', 'app',
  'desktop', 'email', 'e-mail', 'pajak', 'coretax', 'user', 'pengguna', 'admin', 'default', 'awal', 'sementara', 'tsb',
  'new', 'old', 'wifi', 'pkp', 'sertel', 'enofa', 'kantor', 'perusahaan', 'pt', 'ketik', 'isi', 'masukin', 'masukkan', 'pakai', 'pake', 'coba',
]);

/**
 * Ordinary words: when the first word after the keyword is one of these, the user is talking about
 * the password, not typing it ("lupa password efaktur", "password salah terus"). They also end a
 * multi-word passphrase.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  // the brief's list and friends
  'lupa', 'terlupa', 'kelupaan', 'salah', 'benar', 'bener', 'reset', 'direset', 'mereset', 'baru', 'lama', 'tidak', 'tak',
  'gak', 'ga', 'gk', 'nggak', 'ngga', 'enggak', 'engga', 'tdk', 'bukan', 'efaktur', 'e-faktur', 'enofa', 'e-nofa', 'web',
  'akun', 'saya', 'nya', 'sudah', 'udah', 'sdh', 'belum', 'blm', 'bisa', 'bs', 'dapat', 'gimana', 'gmn', 'gmna',
  'bagaimana', 'caranya', 'cara', 'untuk', 'utk', 'buat', 'yang', 'di', 'ke', 'dari', 'dan', 'atau', 'login', 'masuk',
  // questions and connectives
  'apa', 'apakah', 'kenapa', 'knp', 'mengapa', 'kok', 'dimana', 'kapan', 'siapa', 'berapa', 'terus', 'trus', 'lagi', 'lg',
  'tapi', 'tetapi', 'namun', 'padahal', 'dengan', 'dgn', 'pada', 'oleh', 'karena', 'krn', 'jadi', 'jd', 'agar', 'supaya',
  'kalau', 'kalo', 'klo', 'jika', 'bila', 'apabila', 'sebelumnya', 'sekarang', 'tadi', 'kemarin', 'masih', 'sedang',
  'akan', 'mana', 'kah', 'pun', 'sih', 'deh', 'kan', 'nih', 'tuh', 'dong', 'donk', 'ya', 'yah', 'juga', 'saja', 'aja',
  // what happens to passwords
  'ganti', 'mengganti', 'diganti', 'ubah', 'mengubah', 'diubah', 'hilang', 'invalid', 'expired', 'kadaluarsa',
  'kedaluwarsa', 'kadaluwarsa', 'error', 'eror', 'gagal', 'berhasil', 'sukses', 'diterima', 'ditolak', 'tertolak',
  'terblokir', 'diblokir', 'blokir', 'terkunci', 'dikunci', 'sama', 'beda', 'berbeda', 'harus', 'wajib', 'minimal',
  'minimum', 'maksimal', 'maximum', 'karakter', 'huruf', 'angka', 'simbol', 'tersebut', 'tolong', 'mohon', 'mau',
  'ingin', 'pengen', 'pingin', 'perlu', 'butuh', 'dikirim', 'kirim', 'terkirim', 'versi', 'pajak', 'default', 'awal',
  'email', 'e-mail', 'sms', 'wa', 'whatsapp', 'djp', 'djponline', 'online', 'aplikasi', 'app', 'desktop', 'sertifikat',
  'elektronik', 'kosong', 'muncul', 'keluar', 'diminta', 'minta', 'meminta', 'dimasukkan', 'masukkan', 'memasukkan',
  'isi', 'diisi', 'mengisi', 'ketik', 'diketik', 'tertera', 'terdaftar', 'dibuat', 'membuat', 'buat', 'coba', 'dicoba',
  'kata', 'sandi', 'password', 'passphrase', 'pw', 'pass', 'pin', 'kode', 'ini', 'itu', 'tsb',
  // English
  'forgot', 'forget', 'wrong', 'incorrect', 'change', 'changed', 'new', 'old', 'failed', 'please', 'help', 'how', 'what',
  'why', 'still', 'again', 'does', 'doesnt', 'didnt', 'cant', 'cannot', 'isnt', 'not', 'no', 'yes', 'and', 'or', 'for',
  'to', 'of', 'in', 'on', 'is', 'are', 'was', 'the', 'a', 'an', 'my', 'your', 'field', 'policy', 'required',
  'ok', 'oke', 'okay', 'baik', 'berikut', 'diatas', 'dibawah', 'tersebut', 'hint', 'captcha',
]);

/**
 * Words that end a multi-word passphrase: the user goes on talking about it
 * ("passphrase: kucing hitam manis tapi ditolak").
 */
export const CLAUSE_END_WORDS: ReadonlySet<string> = new Set([
  'tapi', 'tetapi', 'namun', 'padahal', 'kok', 'dan', 'atau', 'terus', 'trus', 'lalu', 'kemudian', 'sudah', 'udah', 'sdh',
  'belum', 'blm', 'tidak', 'tak', 'gak', 'ga', 'gk', 'nggak', 'ngga', 'enggak', 'tdk', 'bukan', 'bisa', 'gimana', 'gmn',
  'bagaimana', 'kenapa', 'knp', 'mengapa', 'apa', 'apakah', 'tolong', 'mohon', 'salah', 'benar', 'bener', 'ditolak',
  'gagal', 'error', 'eror', 'invalid', 'lupa', 'masih', 'tetap', 'tetep', 'selalu', 'malah', 'ya', 'yah', 'dong', 'sih',
  'kah', 'deh', 'nih', 'tuh', 'kan', 'karena', 'krn', 'soalnya', 'jadi', 'jd', 'waktu', 'saat', 'ketika', 'pas', 'untuk',
  'utk', 'di', 'ke', 'dari', 'yang', 'sama', 'juga', 'aja', 'saja', 'tadi', 'sekarang', 'but', 'and', 'or', 'is', 'not',
  'still', 'when', 'please',
]);

/** Replies that are never secrets even when one is expected ("batal", "lupa", "menu"). */
export const CONTROL_WORDS: ReadonlySet<string> = new Set([
  'batal', 'cancel', 'menu', 'stop', 'berhenti', 'keluar', 'exit', 'lupa', 'tidak', 'gak', 'ga', 'nggak', 'enggak', 'tdk',
  'ya', 'iya', 'y', 'ok', 'oke', 'okay', 'help', 'bantuan', 'tolong', 'kembali', 'back', 'ulang', 'lewati', 'skip',
  'agen', 'operator', 'cs', 'halo', 'hai', 'hi', 'hello', 'belum', 'sudah', 'udah', 'lupa', 'entah', 'gatau',
]);

/**
 * Particles and forms of address that may sit between a keyword and its value
 * ("passwordku ya: Sumber2024", "pw nya kak: …", "password nih Abc123"): skipped like pronouns, and
 * followed by ":" they make what comes next the value.
 */
export const PARTICLES: ReadonlySet<string> = new Set([
  'ya', 'yah', 'yaa', 'iya', 'dong', 'donk', 'nih', 'ni', 'sih', 'deh', 'tuh', 'lho', 'loh', 'kak', 'ka', 'pak', 'bu',
  'bang', 'mas', 'mbak', 'gan', 'min', 'sis', 'om',
]);

/**
 * Words that end a passphrase typed after "passphrase …:". Fewer than `CLAUSE_END_WORDS`: a
 * passphrase is a sentence of its own and may hold prepositions or time words ("kucing di atas
 * meja"), so only conjunctions, negations, questions and complaints that start the user's next clause
 * end it. Masking a word too many is harmless; leaving part of a passphrase readable is not.
 */
export const PASSPHRASE_END_WORDS: ReadonlySet<string> = new Set([
  'tapi', 'tetapi', 'namun', 'padahal', 'kok', 'terus', 'trus', 'lalu', 'kemudian', 'sudah', 'udah', 'sdh', 'belum',
  'blm', 'tidak', 'tak', 'gak', 'ga', 'gk', 'nggak', 'ngga', 'enggak', 'tdk', 'bukan', 'bisa', 'gimana', 'gmn',
  'bagaimana', 'kenapa', 'knp', 'mengapa', 'apa', 'apakah', 'tolong', 'mohon', 'salah', 'benar', 'bener', 'ditolak',
  'gagal', 'error', 'eror', 'invalid', 'lupa', 'masih', 'tetap', 'tetep', 'selalu', 'malah', 'ya', 'yah', 'dong', 'sih',
  'kah', 'deh', 'nih', 'tuh', 'kan', 'karena', 'krn', 'soalnya', 'jadi', 'jd', 'but', 'and', 'or', 'is', 'not', 'still',
  'when', 'please',
]);

/**
 * One-word lines that are not a password even right after a line about one
 * ("lupa password\nmakasih"). `STOP_WORDS` and `CONTROL_WORDS` are not repeated here.
 */
export const NEXT_LINE_ORDINARY: ReadonlySet<string> = new Set([
  'makasih', 'terimakasih', 'trims', 'thanks', 'thx', 'tks', 'mksh', 'pls', 'bantu', 'bantuannya', 'dibantu', 'gan',
  'min', 'kak', 'pak', 'bu', 'mas', 'mbak', 'bang', 'admin', 'selamat', 'pagi', 'siang', 'sore', 'malam', 'segera',
  'urgent', 'penting', 'gimana', 'bagaimana', 'caranya', 'solusinya', 'help', 'efaktur', 'coretax', 'username',
]);
