/**
 * The masking rules, one block per kind of secret (maskSecrets, mask, containsSecret): what is masked,
 * what stays readable, and replies to a question that expects a secret. maskDeep is tested in
 * tests/privacy-deep.test.ts, odd and generated input in tests/privacy-robustness.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { PLACEHOLDERS, containsSecret, mask, maskSecrets } from '../src/privacy/index.js';
import type { SecretKind } from '../src/privacy/index.js';

/** Asserts that every secret is gone, the placeholder is there, and the kind is reported. */
function expectMasked(input: string, secrets: string[], kind: SecretKind): string {
  const result = maskSecrets(input);
  for (const secret of secrets) expect(result.text).not.toContain(secret);
  expect(result.text).toContain(PLACEHOLDERS[kind]);
  expect(result.found).toContain(kind);
  return result.text;
}

describe('NPWP', () => {
  it.each([
    ['NPWP saya 01.234.567.8-901.000', ['01.234.567.8-901.000', '234.567', '901.000']],
    ['npwp: 012345678901000', ['012345678901000']],
    ['ini npwp kantor 01 234 567 8 901 000 mohon dicek', ['01 234 567 8 901 000', '234 567']],
    ['NPWP 01-234-567-8-901-000 tidak valid', ['01-234-567-8-901-000']],
    ['npwp pembeli 09.876.543.2-109.876.', ['09.876.543.2-109.876']],
    ['NPWP: 01.234.567.8 - 901.000', ['01.234.567.8', '901.000']],
    ['NPWP 16 digit kami 0012345678901000', ['0012345678901000']],
    ['npwp baru 0012 3456 7890 1000', ['0012 3456 7890 1000']],
    ['format baru 001.234.567.8-901.000 ya', ['001.234.567.8-901.000']],
    ['NITKU 0012345678901000000000', ['0012345678901000000000']],
    ['NPWP012345678901000 (tanpa spasi)', ['012345678901000']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'npwp');
  });

  it('keeps the rest of the sentence intact', () => {
    expect(mask('NPWP saya 01.234.567.8-901.000, mohon dicek ya')).toBe('NPWP saya [NPWP], mohon dicek ya');
    expect(maskSecrets('npwp: 012345678901000').found).toEqual(['npwp']);
  });
});

describe('NIK (16 digits with a province code)', () => {
  it.each([
    ['NIK 3171234567890001', ['3171234567890001']],
    ['nik saya 3171 2345 6789 0001', ['3171 2345 6789 0001']],
    ['NIK: 3275.0101.9000.0001', ['3275.0101.9000.0001']],
    ['ini nik 3578-2345-6789-0001.', ['3578-2345-6789-0001']],
    ['NPWP 16 digit (NIK) 1101234567890002', ['1101234567890002']],
    ['nik istri 6471 0550 0101 0003 dan suami', ['6471 0550 0101 0003']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'nik');
  });

  it('labels any other 16-digit number as npwp (leading 0) or card (Luhn), never leaves it readable', () => {
    expect(maskSecrets('0012345678901000').found).toEqual(['npwp']);
    expect(maskSecrets('3171234567890001').found).toEqual(['nik']);
    expect(maskSecrets('4111 1111 1111 1111').found).toEqual(['card']);
    expect(maskSecrets('4111 1111 1111 1112').found).toEqual(['npwp']);
  });
});

describe('activation codes and serial numbers', () => {
  it.each([
    ['kode aktivasi 2399BDAA', ['2399BDAA']],
    ['ini kodenya 2345BCDE2345BCDE ya pak', ['2345BCDE2345BCDE']],
    ['serial number 5678ABCD1234FGHJ', ['5678ABCD1234FGHJ']],
    ['Kode Aktivasi: A1B2C3D4E5', ['A1B2C3D4E5']],
    ['kode aktivasi saya 2399bdaa', ['2399bdaa']],
    ['kode aktivasinya: 2399bdaa', ['2399bdaa']],
    ['serial: 5678abcd1234fghj', ['5678abcd1234fghj']],
    ['S/N: 5678abcd1234fghj', ['5678abcd1234fghj']],
    ['kodenya 7h3k9m2p', ['7h3k9m2p']],
    ['kode: 2399-BDAA-5678-ABCD', ['2399-BDAA-5678-ABCD', 'BDAA']],
    ['aktivasi gagal pakai 2399BDAA dan 5678ABCD1234FGHJ', ['2399BDAA', '5678ABCD1234FGHJ']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'activation-code');
  });

  it('keeps the sentence around the code', () => {
    expect(mask('kode aktivasi 2399BDAA tidak bisa dipakai')).toBe('kode aktivasi [KODE-AKTIVASI] tidak bisa dipakai');
  });
});

describe('passwords and passphrases', () => {
  it.each([
    ['password saya Rahasia123!', ['Rahasia123']],
    ['pw: abc123', ['abc123']],
    ['passphrase nya qwerty', ['qwerty']],
    ['kata sandi = Tes#2024', ['Tes#2024']],
    ['pass gw budi1990', ['budi1990']],
    ['passwordnya P@ssw0rd', ['P@ssw0rd']],
    ['password=abc123', ['abc123']],
    ['PASSWORD: HUNTER2', ['HUNTER2']],
    ['password: rahasia', ['rahasia']],
    ['PIN saya 123456', ['123456']],
    ['OTP 654321 tidak masuk', ['654321']],
    ['efin saya 1234567890', ['1234567890']],
    ['password efaktur saya: Abc123', ['Abc123']],
    ['password baru: Qwerty99 tapi ditolak', ['Qwerty99']],
    ['ga bisa lgoin web efatkur, pasowrd sy Pkp12345 udh bener', ['Pkp12345']],
    // Many words between the keyword and the values: the password-shaped words near it are still masked.
    ['pimpinan kami lupa password untuk login aplikasi e-Faktur desktop, kami sudah mencoba Abc12345 dan Karya2023! tetapi gagal', ['Abc12345', 'Karya2023']],
    ['sandi: "kucing hitam 99" ya', ['kucing hitam 99', 'kucing']],
    ['passphrase: kucing hitam manis tapi ditolak', ['kucing', 'hitam', 'manis']],
    ['passphrase sertifikat saya adalah: aku cinta pajak', ['cinta', 'pajak']],
    ['sertifikat elektronik passphrase-nya: abc123', ['abc123']],
    ['kata sandinya: budi 123', ['budi', '123']],
    ['pw nya rahAsia', ['rahAsia']],
    ['passphrase nya aku cinta kamu', ['aku cinta kamu', 'cinta']],
    // A capitalised word with digits a few words after the keyword (from a blind conversation set).
    ['captcha udh bener, password PKP jg udh (Pkp12345) tp tetep gagal', ['Pkp12345']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'password');
  });

  it('keeps the words around the value', () => {
    expect(mask('password saya Rahasia123! tolong dibantu')).toBe('password saya [RAHASIA] tolong dibantu');
    expect(mask('(pw: abc123)')).toBe('(pw: [RAHASIA])');
    expect(mask('passphrase: kucing hitam tapi ditolak')).toBe('passphrase: [RAHASIA] tapi ditolak');
  });

  it.each([
    'lupa password efaktur',
    'password salah terus',
    'reset password gimana',
    'reset password gimana caranya?',
    'passwordnya saya lupa',
    'pw nya lupa',
    'Password efaktur saya tidak bisa dipakai',
    'password minimal 8 karakter',
    'password efaktur 2 kali salah',
    'kenapa password saya ditolak padahal sudah benar',
    'password saya rahasia',
    'lupa passphrase sertifikat elektronik',
    'pin lokasi kantor',
    'password email saya hilang',
    'login ke djponline.pajak.go.id pakai password djponline.pajak.go.id',
    'kata sandi harus mengandung huruf besar',
  ])('leaves %j alone (talking about a password, not typing it)', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['email saya budi.santoso@gmail.com ya', ['budi.santoso@gmail.com']],
    ['kirim ke finance_pt-abc@kantor.co.id', ['finance_pt-abc@kantor.co.id']],
    ['EMAIL: ADMIN+efaktur@PERUSAHAAN.COM.', ['ADMIN+efaktur@PERUSAHAAN.COM']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'email');
  });

  it('e-mail wins over the password rule and keeps its own label', () => {
    expect(maskSecrets('lupa password email saya budi@gmail.com')).toEqual({ text: 'lupa password email saya [EMAIL]', found: ['email'] });
  });
});

describe('phone numbers', () => {
  it.each([
    ['hp 081234567890', ['081234567890']],
    ['wa saya 0812-3456-7890', ['0812-3456-7890', '3456']],
    ['telp 0812 3456 789', ['0812 3456 789']],
    ['+62 812-3456-7890', ['812-3456-7890', '+62']],
    ['nomor +6281234567890 ya', ['+6281234567890', '81234567890']],
    ['6281234567890', ['6281234567890']],
    ['(+62) 812 3456 7890', ['812 3456 7890', '(+62)']],
    ['kantor 021-12345678', ['021-12345678', '12345678']],
    ['telp 0274 123456', ['0274 123456']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'phone');
  });
});

describe('card numbers (Luhn)', () => {
  it.each([
    ['kartu 4111 1111 1111 1111', ['4111 1111 1111 1111']],
    ['cc 5500-0000-0000-0004', ['5500-0000-0000-0004']],
    ['4012888888881881', ['4012888888881881']],
  ])('masks %j', (input, secrets) => {
    expectMasked(input, secrets, 'card');
  });
});

describe('several secrets in one message', () => {
  it('masks each one, reports kinds once in order of appearance', () => {
    const input = 'NPWP 01.234.567.8-901.000, hp 0812-3456-7890, pw: abc123, NPWP cabang 09.876.543.2-109.876, email a@b.co.id';
    const result = maskSecrets(input);
    expect(result.text).toBe('NPWP [NPWP], hp [TELEPON], pw: [RAHASIA], NPWP cabang [NPWP], email [EMAIL]');
    expect(result.found).toEqual(['npwp', 'phone', 'password', 'email']);
  });

  it('splits numbers typed one after the other', () => {
    expect(mask('012345678901000 0812 3456 7890')).toBe('[NPWP] [TELEPON]');
    expect(mask('0812 3456 7890 3171 2345 6789 0001')).toBe('[TELEPON] [NIK]');
    expect(mask('tahun 2023 081234567890')).toBe('tahun 2023 [TELEPON]');
    expect(mask('sejak 2014 0812-3456-7890')).toBe('sejak 2014 [TELEPON]');
  });

  it('finds a secret split by zero-width characters', () => {
    const result = maskSecrets('npwp 01.234.567.8\u200B-901.000 ya');
    expect(result.text).toBe('npwp [NPWP] ya');
  });
});

describe('false positives: stays readable', () => {
  it.each([
    'ETAX-40005',
    'muncul error ETAX40005 waktu upload',
    'etax-40001: NPWP tidak valid',
    'ETAXSERVICE-20017 saat approve',
    'ETAX-API-10056',
    'kode error ETAX-40005 muncul terus',
    'TOLONG NPWP PKP KPP ETAXINVOICE ERROR',
    'versi 3.2 dan 4.0',
    'update e-Faktur 3.2.0.1 ke 4.0',
    '13 Februari 2023',
    'tanggal 13/02/2023',
    'tanggal 2023-02-13 jam 08:30',
    'hubungi Kring Pajak 1500200',
    'Kring Pajak (021) 1500200 atau 021-1500200',
    'sesuai SE-20/PJ/2014',
    'berdasarkan PER-11/PJ/2025 dan PER-03/PJ/2022',
    'PMK-18/PMK.03/2021 dan KEP-136/PJ/2014',
    'kode aktivasi saya hilang',
    'kode aktivasi belum masuk ke email',
    'kode billing 123456789012345',
    'NSFP 010.000-23.12345678 sampai 010.000-23.12345699',
    'NTPN 0A1B2C3D4E5F6G7H',
    'NPWP 00.000.000.0-000.000 untuk pembeli tanpa NPWP',
    'DPP Rp 1.500.000.000,00 PPN Rp 165.000.000',
    'Rp 3.021.500.200',
    'upload 100 faktur sekaligus',
    'Windows 10 64 bit, Java 8u202',
    'WINDOWS10 ERROR500',
    'PPh 21, PPN 11%, PP 23/2018',
    'faktur nomor urut 1234567',
    'masa pajak 01 2023',
    'masuk DJP Online',
  ])('%j', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });
});

describe('expectingSecret', () => {
  it('masks a one-token reply as a whole', () => {
    expect(maskSecrets('qwerty', { expectingSecret: true })).toEqual({ text: '[RAHASIA]', found: ['password'] });
    expect(maskSecrets('  kucinghitam  ', { expectingSecret: true }).text).toBe('  [RAHASIA]  ');
    expect(maskSecrets('budi.1990!', { expectingSecret: true }).text).toBe('[RAHASIA]');
  });

  it('keeps the specific label when the token is already a known secret', () => {
    expect(maskSecrets('012345678901000', { expectingSecret: true })).toEqual({ text: '[NPWP]', found: ['npwp'] });
  });

  it('leaves control words, emoji and longer messages to the normal rules', () => {
    expect(maskSecrets('batal', { expectingSecret: true }).text).toBe('batal');
    expect(maskSecrets('lupa', { expectingSecret: true }).text).toBe('lupa');
    expect(maskSecrets('👍', { expectingSecret: true }).text).toBe('👍');
    expect(maskSecrets('saya lupa passphrase', { expectingSecret: true }).text).toBe('saya lupa passphrase');
    expect(maskSecrets('qwerty')).toEqual({ text: 'qwerty', found: [] });
  });
});

describe('containsSecret', () => {
  it.each(['pw: abc123', 'passphrase nya qwerty', 'kode aktivasi 2399BDAA', 'NPWP 01.234.567.8-901.000', 'NIK 3171234567890001', 'kata sandi = Tes#2024'])(
    'true for %j',
    (input) => {
      expect(containsSecret(input)).toBe(true);
    },
  );

  it.each(['lupa password efaktur', 'email saya budi@gmail.com', 'hp 081234567890', 'ETAX-40005', 'kode aktivasi saya hilang', ''])('false for %j', (input) => {
    expect(containsSecret(input)).toBe(false);
  });
});
