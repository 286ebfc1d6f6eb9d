/**
 * Synthetic curation events of a busy helpdesk, written straight into a store in the curation log's
 * own format (minute chunks per instance, per-day indexes: src/curation/log.ts), plus the figures they
 * must give, counted independently of src/insights/.
 */
import type { CurationRecord } from '../../src/curation/log.js';
import { dayIndexKey } from '../../src/curation/log.js';
import type { KeyValueStore } from '../../src/storage/key-value.js';

const TRIGGERS = ['user-request', 'procedure-failed', 'fallbacks', 'unhelpful'] as const;
const PROCEDURES = [
  { intent: 'lupa-password', node: 'desktop', code: 'lupa-pw', solve: 0.8 },
  { intent: 'reset-aplikasi', node: 'reset-enofa', code: 'enofa-reset', solve: 0.45 },
  { intent: 'etax-40005', node: 'kode-terpakai', code: '40005', solve: 0.6 },
  { intent: 'sertifikat-elektronik', node: 'aplikasi', code: 'sertel-efaktur', solve: 0.7 },
  { intent: 'kode-aktivasi', node: 'hilang', code: 'kode-aktivasi-hilang', solve: 0.5 },
];
const QUESTIONS = [
  'cara cetak ulang faktur pajak yang hilang',
  'bagaimana upload faktur pajak masukan',
  'kenapa nomor seri faktur saya habis',
  'aplikasi efaktur tidak bisa dibuka di laptop mac',
  'cara mengganti alamat email pkp',
  'spt masa ppn tidak bisa dilaporkan',
  'bagaimana cara membuat retur faktur',
  'resep rendang padang',
  'jadwal libur kantor pajak bulan depan',
  'cara membuat faktur pengganti',
];
const PREFIX = ['', '', 'tolong ', 'min ', 'halo, ', 'permisi '];
/** Words for the long tail: questions nobody else asks in the same words. */
const WORDS = (
  'aplikasi akun alamat anak bank bayar berkas bisa buat bukti bulan cabang cara cek data denda dokumen ' +
  'download email error faktur file folder format gagal ganti hapus harga hari ijin impor input jam jual ' +
  'kantor kartu kena keluar kirim kode koreksi kurang laporan lama laptop lewat lupa masuk masa menu modul ' +
  'nama nilai nomor online pajak pdf pembeli penjual periode pindah pusat rekam retur rusak salah scan ' +
  'server setor sistem status struk surat tanggal tidak token transaksi ubah unggah update upload urgent ' +
  'usaha user verifikasi versi wajib waktu windows'
).split(' ');
const SUFFIX = ['', '', ' ya', ' gimana', ' dong', ' mohon bantuannya'];

export interface Truth {
  conversations: number;
  contained: number;
  confirmedSolved: number;
  handedOff: number;
  byTrigger: Record<string, number>;
  turns: number;
  fallbacks: number;
  records: number;
  chunks: number;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  conversations: number;
  /** Conversations start within this many days before `end`. */
  days: number;
  end: number;
  instances?: number;
  seed?: number;
  /** Local time zone of the helpdesk, minutes east of UTC (default 420, WIB). */
  tzOffsetMinutes?: number;
}

export async function generate(store: KeyValueStore, o: GenerateOptions): Promise<Truth> {
  const rand = rng(o.seed ?? 19);
  const tz = o.tzOffsetMinutes ?? 420;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const instances = Array.from({ length: o.instances ?? 2 }, (_, i) => `inst${i}`);
  const chunks = new Map<string, CurationRecord[]>();
  const truth: Truth = {
    conversations: 0,
    contained: 0,
    confirmedSolved: 0,
    handedOff: 0,
    byTrigger: Object.fromEntries(TRIGGERS.map((t) => [t, 0])),
    turns: 0,
    fallbacks: 0,
    records: 0,
    chunks: 0,
  };
  const span = o.days * 86_400_000 - 30 * 60_000;
  for (let n = 0; n < o.conversations; n++) {
    const c = `conv${n.toString(16).padStart(12, '0')}`.slice(-16);
    let at = o.end - 30 * 60_000 - Math.floor(rand() * span);
    const records: CurationRecord[] = [];
    const turn = () => {
      at += 5_000 + Math.floor(rand() * 40_000);
      records.push({ type: 'turn', at: new Date(at).toISOString(), c });
      truth.turns++;
    };
    const iso = () => new Date(at).toISOString();
    turn();
    let handoff: string | undefined;
    let last: boolean | undefined;
    if (rand() < 0.18) {
      const text =
        rand() < 0.35
          ? Array.from({ length: 3 + Math.floor(rand() * 5) }, () => pick(WORDS)).join(' ')
          : `${pick(PREFIX)}${pick(QUESTIONS)}${rand() < 0.3 ? ` nomor ${Math.floor(rand() * 5000)}` : pick(SUFFIX)}`;
      records.push({ type: 'fallback', at: iso(), c, text, candidates: [] });
      truth.fallbacks++;
      turn();
      if (rand() < 0.3) handoff = 'fallbacks';
    }
    if (!handoff && rand() < 0.08) {
      const first = pick(PROCEDURES).intent;
      const r = rand();
      records.push({
        type: 'did-you-mean',
        at: iso(),
        c,
        text: pick(QUESTIONS),
        offered: [first, pick(PROCEDURES).intent],
        picked: r < 0.3 ? null : r < 0.6 ? first : pick(PROCEDURES).intent,
      });
      turn();
    }
    if (!handoff) {
      const p = pick(PROCEDURES);
      turn();
      if (rand() < 0.6) {
        last = rand() < p.solve;
        records.push({ type: 'outcome', at: iso(), c, intent: p.intent, node: p.node, code: p.code, solved: last });
        turn();
        if (!last && rand() < 0.5) handoff = rand() < 0.7 ? 'procedure-failed' : 'unhelpful';
      }
      if (!handoff && rand() < 0.05) handoff = 'user-request';
    }
    if (handoff) {
      records.push({ type: 'handoff', at: iso(), c, trigger: handoff, intent: pick(PROCEDURES).intent });
      turn();
    }
    // Counted per local day (a conversation that crosses midnight is one on each day).
    const parts = new Map<string, CurationRecord[]>();
    for (const r of records) {
      const day = new Date(Date.parse(r.at) + tz * 60_000).toISOString().slice(0, 10);
      parts.set(day, [...(parts.get(day) ?? []), r]);
    }
    for (const part of parts.values()) {
      truth.conversations++;
      const h = part.find((r) => r.type === 'handoff');
      const outcomes = part.filter((r) => r.type === 'outcome');
      if (h?.type === 'handoff') {
        truth.handedOff++;
        truth.byTrigger[h.trigger]!++;
      } else {
        const lastOutcome = outcomes.at(-1);
        if (!(lastOutcome?.type === 'outcome' && !lastOutcome.solved)) truth.contained++;
        if (outcomes.some((r) => r.type === 'outcome' && r.solved)) truth.confirmedSolved++;
      }
    }
    // Each message may land on any instance (they share the store).
    for (const r of records) {
      const key = `curation/${r.at.slice(0, 10)}/${r.at.slice(11, 16)}/${pick(instances)}`;
      let list = chunks.get(key);
      if (!list) chunks.set(key, (list = []));
      list.push(r);
      truth.records++;
    }
  }
  const indexes = new Map<string, string[]>();
  for (const key of chunks.keys()) {
    const day = key.slice(9, 19);
    let list = indexes.get(day);
    if (!list) indexes.set(day, (list = []));
    list.push(key);
  }
  truth.chunks = chunks.size;
  let batch: Record<string, { records?: CurationRecord[]; chunks?: string[]; eTag: string }> = {};
  const flush = async () => {
    if (Object.keys(batch).length) await store.write(batch);
    batch = {};
  };
  for (const [key, records] of chunks) {
    batch[key] = { records: records.sort((a, b) => a.at.localeCompare(b.at)), eTag: '*' };
    if (Object.keys(batch).length >= 500) await flush();
  }
  for (const [day, list] of indexes) batch[dayIndexKey(day)] = { chunks: list, eTag: '*' };
  await flush();
  return truth;
}
