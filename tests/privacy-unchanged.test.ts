/**
 * What masking must leave alone (issue 18, item 9): ordinary helpdesk sentences, ISO timestamps and
 * ids pass unchanged, also with generated spacing and punctuation (generator: tests/helpers/privacy-gen.ts).
 */
import { describe, expect, it } from 'vitest';
import { mask, maskDeep } from '../src/privacy/index.js';
import { RUNS, forEachVariant, password } from './helpers/privacy-gen.js';

const ORDINARY = [
  'status aplikasi belum registrasi',
  'status efaktur saya belum registrasi padahal sudah update',
  'kode error ETAX-40005',
  'muncul ETAX-40001 waktu upload faktur',
  'ETAXSERVICE-20017 saat approve',
  'NSFP 010.000-23.12345678 sampai 010.000-23.12345699',
  'versi 4.0',
  'update e-Faktur 3.2.0.1 ke 4.0',
  'KPP Pratama Jakarta Tanah Abang Tiga',
  'KPP Madya Jakarta Selatan',
  'saya pindah KPP dari KPP Pratama Bandung Cicadas',
  'tanggal 13 Februari 2023',
  'tanggal 13/02/2023 jam 08:30',
  'masa pajak 01 2023',
  'saya mau bicara dengan petugas',
  'hubungkan ke kring pajak',
  'lupa password efaktur',
  'password salah terus',
  'reset password gimana caranya?',
  'kata sandi harus mengandung huruf besar',
  'lupa passphrase sertifikat elektronik',
  'kode aktivasi belum masuk ke email',
  'kode aktivasi saya hilang',
  'hubungi Kring Pajak 1500200',
  'Kring Pajak (021) 1500200',
  'DPP Rp 1.500.000.000,00 PPN Rp 165.000.000',
  'upload 100 faktur sekaligus',
  'Windows 10 64 bit, Java 8u202',
  'PPh 21, PPN 11%, PP 23/2018',
  'berdasarkan PER-11/PJ/2025',
  'pin lokasi kantor',
  'e-Nofa tidak bisa dibuka',
  'sertifikat elektronik kedaluwarsa, bagaimana perpanjangnya?',
  'Terima kasih, sudah berhasil',
  'lupa password\ngimana caranya?',
  'efakturdesktop 4.0 tidak mau jalan',
];

const METADATA = [
  '2026-12-01T20:21:42Z',
  '2026-12-01T20:21:42.517Z',
  '2026-12-01T20:21:42+07:00',
  '2026-12-01',
  '550e8400-e29b-41d4-a716-446655440000',
  'KP-7QX2M4',
  'KP-ABCDEF',
];

describe('what must pass unchanged', () => {
  it.each(ORDINARY)('ordinary sentence %j', (s) => {
    expect(mask(s)).toBe(s);
  });

  it.each(METADATA)('metadata %j', (s) => {
    expect(mask(s)).toBe(s);
    expect(mask(`tiket dibuat ${s} ya`)).toBe(`tiket dibuat ${s} ya`);
  });

  it(`ordinary sentences with generated greetings, casing and punctuation (${RUNS} variants)`, () => {
    forEachVariant(909, (g, n) => {
      const s = g.pick(ORDINARY);
      const input = `${g.pick(['', 'Halo kak, ', 'Selamat siang. ', 'min '])}${g.chance(0.3) ? s.toUpperCase() : s}${g.pick(['', '.', '?', '!', ' ya', ' 🙏', ' kak'])}`;
      expect(mask(input), `ordinary #${n}`).toBe(input);
    });
  });

  it(`generated ISO timestamps, UUIDs and ticket references (${RUNS} variants)`, () => {
    const HEX = '0123456789abcdef';
    const REF = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    forEachVariant(1001, (g, n) => {
      const ts = new Date(Date.UTC(g.int(2020, 2030), g.int(0, 11), g.int(1, 28), g.int(0, 23), g.int(0, 59), g.int(0, 59), g.int(0, 999))).toISOString();
      const tsNoMs = g.chance(0.5) ? ts.replace(/\.\d{3}Z$/, 'Z') : ts.replace(/Z$/, '').replace(/\.\d{3}$/, g.pick(['+07:00', '-05:00', '+0800']));
      const uuid = [8, 4, 4, 4, 12].map((k) => g.chars(HEX, k)).join('-');
      const ref = `KP-${g.chars(REF, 6)}`;
      for (const value of [ts, tsNoMs, g.chance(0.5) ? uuid.toUpperCase() : uuid, ref]) {
        expect(mask(value), `metadata #${n}`).toBe(value);
        const line = `${g.pick(['tiket', 'dibuat', 'id', 'ref'])} ${value}${g.pick(['', ' ya', '.', ','])}`;
        expect(mask(line), `metadata #${n}`).toBe(line);
      }
      const entry = { from: 'user', text: `pw: ${password(g)}`, at: ts, id: g.chars(HEX, 16), conversationId: uuid, ref };
      const masked = maskDeep(entry);
      expect(masked.text).toMatch(/^pw: \[(?:RAHASIA|KODE-AKTIVASI)\]$/); // a random password may look like a code
      expect({ ...masked, text: entry.text }).toEqual(entry);
    });
  });
});
