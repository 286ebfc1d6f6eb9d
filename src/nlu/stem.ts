/**
 * Light stemming of Indonesian affixes ("mereset" -> "reset", "aktivasinya" -> "aktivasi", with the
 * prefixes' sound changes: mem+akai -> pakai), so that a word and its affixed forms meet on one token.
 */
const SUFFIXES = ['nya', 'lah', 'kah', 'pun', 'kan', 'an'];
const VOWEL = /^[aiueo]/;
/**
 * Indonesian prefixes with the sound changes that matter here (mem+akai -> pakai, men+erima ->
 * terima, meny+impan -> simpan). Each rule returns the stem or undefined when it does not apply.
 */
const PREFIX_RULES: Array<(w: string) => string | undefined> = [
  (w) => (w.startsWith('meng') && /^[aiueogh]/.test(w.slice(4)) ? w.slice(4) : undefined),
  (w) => (w.startsWith('meny') && VOWEL.test(w.slice(4)) ? `s${w.slice(4)}` : undefined),
  (w) => (w.startsWith('mem') ? (/^[bfp]/.test(w.slice(3)) ? w.slice(3) : VOWEL.test(w.slice(3)) ? `p${w.slice(3)}` : undefined) : undefined),
  (w) => (w.startsWith('men') ? (/^[dcjtz]/.test(w.slice(3)) ? w.slice(3) : VOWEL.test(w.slice(3)) ? `t${w.slice(3)}` : undefined) : undefined),
  (w) => (w.startsWith('me') && /^[lrwymn]/.test(w.slice(2)) ? w.slice(2) : undefined),
  (w) => (w.startsWith('di') && w.length > 5 ? w.slice(2) : undefined),
  (w) => (w.startsWith('ter') && !VOWEL.test(w.slice(3)) ? w.slice(3) : undefined),
  (w) => (w.startsWith('ber') && !VOWEL.test(w.slice(3)) ? w.slice(3) : undefined),
];
/** Words the stemmer must leave alone (they look affixed but are not, or stemming loses meaning). */
const STEM_KEEP = new Set([
  'bantuan',
  'pelayanan',
  'layanan',
  'pajak',
  'pengusaha',
  'perusahaan',
  'pelaporan',
  'laporan',
  'pembayaran',
  'kantor',
  'berhasil',
  'belum',
  'bisa',
  'dengan',
  'sekarang',
  'masukkan',
  'karena',
  'kenapa',
  'kami',
  'kakak',
  'teratasi',
  'tanya',
  'terima',
  'terus',
  'jalan',
  'pendaftaran',
  'keluaran',
  'masukan',
  'menu',
  'teman',
  'salam',
  'kesulitan',
  'selamat',
  'semua',
  'sendiri',
  'setelah',
  'sertifikat',
  'database',
  'desktop',
  'aplikasi',
  'aktivasi',
  'registrasi',
  'password',
  'username',
  'efaktur',
  'enofa',
  'kringpajak',
  'petugas',
  'diblokir',
  'terblokir',
  'kedaluwarsa',
  'bagaimana',
  'dimana',
  'kemana',
  'siapa',
  'tetap',
  'masih',
  'dikukuhkan',
  'pengukuhan',
  'admin',
  'sertel',
  'koneksi',
  'jaringan',
  'passphrase',
  'captcha',
  'serial',
  'status',
  'reset',
  'update',
  'server',
  'ingin',
  'tolong',
  'pagi',
  'siang',
  'sore',
  'malam',
  'halo',
  'manusia',
  'orang',
  'berapa',
  'bermasalah',
  'kemarin',
  'besok',
  'ternyata',
  'terbaru',
  'terdaftar',
  'daftar',
  'baru',
  'nomor',
  'tentang',
  'menjadi',
  'dimasukkan',
  'diminta',
  'keychain',
  'service',
  'session',
  'ditolak',
  'tampilan',
  'pilihan',
  'penggantian',
]);

export function stem(word: string): string {
  if (word.length < 5 || STEM_KEEP.has(word) || /\d/.test(word)) return word;
  let w = word;
  for (const s of SUFFIXES) {
    if (w.endsWith(s) && w.length - s.length >= 4) {
      w = w.slice(0, -s.length);
      break;
    }
  }
  if (STEM_KEEP.has(w)) return w;
  for (const rule of PREFIX_RULES) {
    const r = rule(w);
    if (r !== undefined) {
      if (r.length >= 4) w = r;
      break;
    }
  }
  return w;
}
