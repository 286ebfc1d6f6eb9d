/**
 * Property tests over generated variants of every secret class of issue 18 (items 3 and 9): for
 * each class, RUNS variants with random secret values, casing, punctuation, keyword typos and
 * Indonesian text around them; the secret's value must never survive `mask()`, and masking the
 * result again must change nothing. A fixed list of ordinary helpdesk sentences, ISO timestamps and
 * ids must pass unchanged, also with generated spacing and punctuation.
 *
 * The generator is a small seeded PRNG (mulberry32): every run sees the same variants, and a failure
 * message names the class, the variant number and the input, so it can be replayed (fast-check is not
 * used on purpose: the generators are specific to these phrasings and must stay deterministic).
 */
import { describe, expect, it } from 'vitest';
import { containsSecret, mask } from '../src/privacy/index.js';
import { DIGITS, GREETINGS, LOWER, PASSPHRASE_WORDS, RUNS, TAILS, UPPER, check, forEachVariant, password, slip } from './helpers/privacy-gen.js';

describe('generated variants: the secret never survives mask()', () => {
  it(`1. passphrases in plain words after "passphrase …:" (${RUNS} variants)`, () => {
    const keywords = ['passphrase', 'passphrase', 'pass phrase', 'frasa sandi', 'passphrase-nya', 'passphrasenya', 'pasphrase', 'passphrse', 'passpharse'];
    const middles = [
      '',
      ' saya',
      ' sertel saya',
      ' sertifikat elektronik saya',
      ' baru saya',
      ' untuk sertel kantor kami',
      ' yang baru',
      ' e-faktur',
      ' sertifikat PT Maju Jaya',
    ];
    const separators = [':', ' :', ' =', ': ', ' adalah:', ' yaitu:', ' ->'];
    const ends = ['', '.', '!', '. Tolong dibantu', '\nterus gimana?', ' tapi ditolak', ', tolong cek', '\n\nmakasih', ' kok salah ya?'];
    forEachVariant(101, (g, n) => {
      const words = Array.from({ length: g.int(2, 7) }, () => g.casing(g.pick(PASSPHRASE_WORDS)));
      const phrase = words.join(g.chance(0.15) ? '  ' : ' ');
      const keyword = g.casing(g.pick(keywords));
      const input = `${g.pick(GREETINGS)}${keyword}${g.pick(middles)}${g.pick(separators)} ${phrase}${g.pick(ends)}`;
      check('passphrase', n, input, [phrase, ...words.filter((w) => w.length >= 4)]);
    });
  });

  it(`2. a password on the line after a line about one (${RUNS} variants)`, () => {
    const firstLines = [
      'lupa password',
      'Lupa Password',
      'password saya',
      'ini passwordnya',
      'pw efaktur saya',
      'lupa pasword',
      'password baru',
      'kata sandi saya',
      'passwrd web efaktur',
      'saya lupa password efaktur',
      'password lama saya',
      'ini password saya',
      'lupapassword',
      'pwku',
    ];
    const punct = ['', '', ' ', '?', '...', ' :'];
    const breaks = ['\n', '\r\n', '\n\n', '\n \n'];
    const after = ['', '', ' tolong dicek', ' gimana?', '\nterima kasih', ' sudah dicoba'];
    forEachVariant(202, (g, n) => {
      const value = password(g);
      const input = `${g.pick(GREETINGS)}${g.pick(firstLines)}${g.pick(punct)}${g.pick(breaks)}${value}${g.pick(after)}`;
      check('next line', n, input, [value, value.slice(0, -1)]);
    });
  });

  it(`3. keywords with -ku, -nya, -mu (${RUNS} variants)`, () => {
    const bases = ['password', 'pw', 'pass', 'sandi', 'passwd', 'kata sandi', 'pwd', 'pin'];
    const suffixes = ['ku', 'nya', 'mu', '-ku', '-nya', '-mu'];
    const middles = ['', ' ya', ' nih', ' kak', ' saya', ' efaktur', ' yang baru'];
    const separators = [':', ' :', ' =', ' ', ': ', ' adalah'];
    forEachVariant(303, (g, n) => {
      const base = g.pick(bases);
      const value = base === 'pin' ? g.chars(DIGITS, g.int(4, 8)) : password(g);
      const keyword = g.casing(base + g.pick(suffixes));
      const input = `${g.pick(GREETINGS)}${keyword}${g.pick(middles)}${g.pick(separators)} ${value}${g.pick(TAILS)}`;
      check('suffix keyword', n, input, [value]);
    });
  });

  it(`4. 16-character activation codes in any case, without "kode" (${RUNS} variants)`, () => {
    const frames = [
      '{}',
      'ini {} ya',
      'aktivasi gagal pakai {}',
      'dapat {} dari email',
      '{}, tetap gagal',
      '({})',
      'sudah saya masukkan {} tapi error',
      'aktivasi: {}',
    ];
    forEachVariant(404, (g, n) => {
      let code = '';
      for (;;) {
        const alphabet = g.pick([LOWER + DIGITS, 'abcdef' + DIGITS, LOWER + UPPER + DIGITS, UPPER + DIGITS]);
        code = g.chars(alphabet, 16);
        // The shape of a code (see isLooseActivationCode): 2+ letters, 2+ digits, random-looking.
        const digits = code.replace(/\D/g, '').length;
        const changes = [...code].filter((c, i) => i > 0 && /\d/.test(c) !== /\d/.test(code.charAt(i - 1))).length;
        if (digits >= 2 && digits <= 14 && changes >= 2 && !/^etax/i.test(code)) break;
      }
      const written = g.chance(0.25) ? code.match(/.{4}/g)!.join('-') : code;
      const input = `${g.pick(GREETINGS)}${g.pick(frames).replace('{}', written)}${g.pick(TAILS)}`;
      check('activation code', n, input, [written, code, code.slice(4, 12)]);
      expect(containsSecret(input), input).toBe(true);
    });
  });

  it(`5. NPWP / NIK in full-width and other Unicode digits (${RUNS} variants)`, () => {
    /** Code points of the zero of some digit scripts: full-width, Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, Thai, mathematical bold / double-struck / monospace. */
    const zeros = [0x30, 0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x0e50, 0x1d7ce, 0x1d7d8, 0x1d7f6];
    const frames = ['NPWP saya {}', 'npwp: {} mohon dicek', 'ini npwp kantor {} ya', 'NPWP {}', 'nik {} atas nama budi', '{}'];
    forEachVariant(505, (g, n) => {
      let digits: string;
      do digits = g.chars(DIGITS, 15);
      while (new Set(digits).size < 3);
      const nik = g.chance(0.3);
      if (nik) digits = `3${g.pick([...'1234'])}${g.chars(DIGITS, 14)}`; // a 16-digit NIK with a province code
      const groups = nik
        ? [digits.slice(0, 4), digits.slice(4, 8), digits.slice(8, 12), digits.slice(12)]
        : [digits.slice(0, 2), digits.slice(2, 5), digits.slice(5, 8), digits.slice(8, 9), digits.slice(9, 12), digits.slice(12)];
      const layout = g.int(0, 3);
      const ascii = nik
        ? layout === 0
          ? digits
          : groups.join(layout === 1 ? ' ' : layout === 2 ? '-' : '.')
        : layout === 0
          ? `${groups.slice(0, 4).join('.')}-${groups.slice(4).join('.')}`
          : layout === 1
            ? digits
            : groups.join(layout === 2 ? ' ' : '-');
      // One script for the whole number, or a different one per digit.
      const perDigit = g.chance(0.25);
      const script = g.pick(zeros.slice(1));
      const written = [...ascii]
        .map((c) => (/\d/.test(c) ? String.fromCodePoint((perDigit ? g.pick(zeros) : script) + Number(c)) : c === '.' && g.chance(0.1) ? '\uFF0E' : c))
        .join('');
      const input = `${g.pick(GREETINGS)}${g.pick(frames).replace('{}', written)}${g.pick(TAILS)}`;
      const out = mask(input);
      expect(out, `unicode digits #${n}: ${input} -> ${out}`).not.toContain(written);
      // No run of the number's digits is readable in any script.
      const outDigits = [...out].map((c) => (/\p{Nd}/u.test(c) ? String(c.normalize('NFKC').match(/\d/) ? c.normalize('NFKC') : '?') : '')).join('');
      expect(outDigits, `unicode digits #${n}: ${input} -> ${out}`).not.toContain(digits.slice(2, 12));
      expect(mask(out)).toBe(out);
    });
  });

  it(`6. landline numbers with an area code (${RUNS} variants)`, () => {
    const areas = ['021', '022', '024', '031', '061', '0274', '0361', '0411', '0751', '0370'];
    const frames = ['telp kantor {}', 'hubungi saya di {} ya', 'no telp: {}', 'Telepon {} (jam kerja)', '{}', 'nomor kantor kami {}, hp tidak aktif'];
    forEachVariant(606, (g, n) => {
      const area = g.pick(areas);
      let subscriber: string;
      do subscriber = String(g.int(2, 9)) + g.chars(DIGITS, g.int(area.length === 3 ? 5 : 5, area.length === 3 ? 7 : 6));
      while (subscriber === '1500200');
      const split = subscriber.length >= 7 && g.chance(0.3) ? `${subscriber.slice(0, 3)}${g.pick(['-', ' '])}${subscriber.slice(3)}` : subscriber;
      const written = g.pick([`(${area}) ${split}`, `(${area})${split}`, `${area}-${split}`, `${area} ${split}`, `(${area}) - ${split}`]);
      const input = `${g.pick(GREETINGS)}${g.pick(frames).replace('{}', written)}${g.pick(TAILS)}`;
      check('landline', n, input, [split, subscriber]);
    });
  });

  it(`7. misspelled keywords the bot understands (${RUNS} variants)`, () => {
    const listed = ['pasword', 'passwrd', 'paswd', 'pssword', 'kata kunci', 'kata sandi', 'sandi', 'pin', 'katasandi', 'psw', 'pswd', 'paswort', 'passw'];
    const middles = ['', ' saya', ' efaktur saya', ' web efaktur', ' akun saya', ' baru'];
    const separators = [':', ' :', ' =', ' ', ': ', ' adalah', 'nya'];
    forEachVariant(707, (g, n) => {
      let keyword: string;
      if (g.chance(0.5)) keyword = g.pick(listed);
      else {
        // A single slip in a long keyword; "passed" is an English word, not a keyword.
        do keyword = slip(g, g.pick(['password', 'passphrase', 'passwd', 'katasandi']));
        while (keyword === 'passed' || keyword.length < 5);
      }
      const value = keyword === 'pin' ? g.chars(DIGITS, g.int(4, 8)) : password(g);
      const sep = g.pick(separators);
      const input = `${g.pick(GREETINGS)}${g.casing(keyword)}${sep === 'nya' ? 'nya' : g.pick(middles) + sep} ${value}${g.pick(TAILS)}`;
      check('misspelled keyword', n, input, [value]);
    });
  });

  it(`8. all classes in one message (${RUNS} variants)`, () => {
    forEachVariant(808, (g, n) => {
      const pw = password(g);
      const code = `${g.chars(LOWER, 2)}${g.chars(DIGITS, 2)}${g.chars(LOWER, 3)}${g.chars(DIGITS, 3)}${g.chars(LOWER, 2)}${g.chars(DIGITS, 4)}`;
      const words = [g.pick(PASSPHRASE_WORDS), g.pick(PASSPHRASE_WORDS), g.pick(PASSPHRASE_WORDS)];
      const phone = `(021) ${g.int(2, 9)}${g.chars(DIGITS, 6)}`;
      const parts = [
        `passwordku ya: ${pw}`,
        `ini ${code} dari email`,
        `passphrase sertel: ${words.join(' ')}.`,
        `telp ${phone}`,
        `NPWP ${'\uFF10\uFF11'}.${[...'234'].map((c) => String.fromCodePoint(0xff10 + Number(c))).join('')}.567.8-901.000`,
        `tiket dibuat ${new Date(Date.UTC(2026, 11, 1, g.int(0, 23), g.int(0, 59), g.int(0, 59))).toISOString()}`,
      ];
      for (let i = parts.length - 1; i > 0; i--) {
        const j = g.int(0, i);
        [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      }
      const input = parts.join(g.pick(['\n', '. ', ' — ', '\n\n']));
      const ts = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/.exec(input)![0];
      check('all classes', n, input, [pw, code, words.join(' '), phone.slice(6), '２３４']);
      expect(mask(input), input).toContain(ts);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// What must stay readable
// ---------------------------------------------------------------------------------------------
