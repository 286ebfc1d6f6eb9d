/*
 * ======================================================================================
 *  WORDING OF THE AGENT CONSOLE (/agent): every sentence the script puts on the page.
 *  Polite Indonesian. Edit here only (the fixed labels of the page are in
 *  src/web/public/agent.html). {placeholders} are filled in by the script.
 *  Bundled into /agent/agent.js: a running server picks an edit up on the next load of
 *  the page when it can rebuild the bundle (npm run dev, tests), else after npm run build.
 * ======================================================================================
 */
export default Object.freeze({
  pageTitle: 'Konsol Petugas — Asisten e-Faktur',
  /** Prefixed to the page title while tickets wait, e.g. "(2) Konsol Petugas — …". */
  titleWaiting: '({n}) {title}',

  // ---- sign-in, session
  loginMissing: 'Isi Agent ID dan kunci.',
  loginLimitedAgent: 'Terlalu banyak percobaan masuk yang gagal untuk Agent ID ini. Silakan coba lagi dalam {minutes} menit.',
  loginLimitedSource: 'Terlalu banyak percobaan masuk yang gagal dari alamat ini. Silakan coba lagi dalam {minutes} menit.',
  loginFailed: 'Gagal masuk (HTTP {status}). Silakan coba lagi.',
  sessionEnded: 'Sesi Anda telah berakhir. Silakan masuk lagi.',
  signedOut: 'Anda telah keluar.',
  offline: 'Tidak dapat terhubung ke server. Silakan coba lagi.',
  offlineReload: 'Tidak dapat terhubung ke server. Muat ulang halaman untuk mencoba lagi.',
  offlineRetrying: 'Tidak dapat terhubung ke server. Mencoba lagi…',

  // ---- queue
  queueCount: '{waiting} menunggu · {handled} ditangani',
  queueFailed: 'Gagal memuat antrean. Mencoba lagi…',
  queueNewWaiting: 'Tiket baru menunggu: {refs}',
  waitingFor: 'menunggu {duration}',
  topicLabel: 'Topik: ',
  codesLabel: 'Kode: ',
  lessThanAMinute: 'kurang dari 1 menit',
  minutes: '{m} menit',
  hours: '{h} jam',
  hoursMinutes: '{h} jam {m} menit',

  // ---- ticket
  status: {
    waiting: 'Menunggu petugas',
    assigned: 'Sedang ditangani',
    closed: 'Selesai',
    open: 'Tanpa petugas',
    failed: 'Gagal',
  },
  statusMine: 'Anda tangani',
  statusTakenBy: 'Diambil oleh {agent}',
  otherAgent: 'petugas lain',
  ticketTitle: 'Tiket {ref}',
  ticketPlaceholder: 'Pilih tiket dari antrean untuk melihat detailnya.',
  ticketNotFound: 'Tiket {ref} tidak ditemukan.',
  ticketFailed: 'Gagal memuat tiket. Mencoba lagi…',
  noCodes: 'Tidak ada',
  claimed: 'Tiket {ref} sekarang Anda tangani. Pengguna sudah diberi tahu.',
  released: 'Tiket {ref} dikembalikan ke antrean.',
  closed: 'Percakapan {ref} diselesaikan. Pengguna ditanya apakah masalahnya teratasi.',

  // ---- transcript
  senderUser: 'Pengguna',
  senderBot: 'Asisten virtual',
  senderAgent: 'Petugas',
  senderAgentNamed: 'Petugas {name}',
  noMessages: 'Belum ada pesan.',
  newUserMessage: 'Pesan baru dari pengguna: {text}',

  // ---- reply box and canned answers
  replyClaimToReply: 'Ambil tiket ini untuk membalas pengguna.',
  replyHandledBy: 'Tiket ini ditangani {agent}.',
  replyInactive: 'Percakapan ini sudah tidak aktif.',
  replyClaimFirst: 'Ambil tiket ini terlebih dahulu.',
  replyEmpty: 'Tulis balasan terlebih dahulu.',
  replyTooLong: 'Balasan terlalu panjang (maksimal {max} karakter).',
  replySent: 'Balasan terkirim.',
  replyOffline: 'Tidak dapat terhubung ke server. Balasan belum terkirim.',
  noSuggestion: 'Tidak ada jawaban siap pakai untuk "/{query}".',
  insertAnswer: 'Sisipkan ke balasan',
  insertedClaimFirst: 'Jawaban disisipkan. Ambil tiket ini untuk mengirimnya.',

  // ---- what the server refused, by the API's error code (src/web/console/api-errors.ts)
  errors: {
    'already-taken': 'Tiket sudah diambil oleh {agent}.',
    /** {status}: the ticket's status in the words above, in lower case. */
    'ticket-not-waiting': 'Tiket tidak dapat diambil: statusnya {status}.',
    'not-assigned-to-you': 'Tiket ini tidak sedang Anda tangani.',
    'no-such-ticket': 'Tiket tidak ditemukan.',
    'invalid-text': 'Balasan harus berisi 1 sampai {max} karakter.',
    'csrf-header-missing': 'Permintaan ditolak oleh server.',
    'wrong-credentials': 'Agent ID atau kunci salah.',
  },
  /** Any other refusal. */
  serverError: 'Terjadi kesalahan (HTTP {status}). Silakan coba lagi.',
});
