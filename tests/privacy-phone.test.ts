/**
 * Phone numbers by the numbering plan (libphonenumber-js, issue 20): the formats people type in this
 * chat, numbers the old hand-written prefix rules missed (area codes 09xx of Maluku and Papua, a
 * trunk 0 after "(+62)"), foreign numbers with "+", and what must stay readable although the library
 * alone would call it a number (dates, amounts, Kring Pajak). Also a landline right before an NPWP.
 */
import { describe, expect, it } from 'vitest';
import { mask, maskSecrets } from '../src/privacy/index.js';

describe('phone numbers as users type them', () => {
  it.each([
    'hp 0812-3456-7890',
    'wa 0857 1234 5678',
    'no hp 081234567890',
    'telp 0811 123 456',
    '+62 812-3456-7890',
    '+62 0812-3456-7890',
    '+62-812-3456-7890',
    '(+62) 812 3456 7890',
    '(+62) 0812 3456 7890',
    '+62 (0)812 3456 7890',
    'kantor +62 (0)21 555 1234',
    '62 812 3456 7890',
    '6281234567890',
    'kantor 021-5551234',
    'kantor 021 555 1234',
    '+62 21 5551234',
    '(0274) 123456',
    'telp 0341-551234',
    'Ambon 0911 312345',
    'Jayapura (0967) 531234',
    'Timika 0901 321234',
  ])('%j', (input) => {
    const r = maskSecrets(input);
    expect(r.found, `${input} -> ${r.text}`).toEqual(['phone']);
    expect(r.text).not.toMatch(/\d{3}/);
  });

  it('foreign numbers written with "+"', () => {
    for (const input of ['+1 202 555 0123', '+44 20 7946 0958', '+65 9123 4567', '+60 12-345 6789', '+61 2 9374 4000']) {
      expect(mask(input), input).toBe('[TELEPON]');
    }
  });
});

describe('stays readable', () => {
  it.each([
    'tanggal 05122023', // ddmmyyyy: the library would read 0512… as a landline
    'tgl 01022024 jam 10',
    'DPP 625000000', // an amount: 62 + 7 digits is a number to the library
    'Rp 62.500.000.000',
    'total 6200000000 rupiah',
    'Kring Pajak 1500200',
    'Kring Pajak (021) 1500200 atau 021-1500200',
    'kantor pusat DJP (021) 5250208',
    'faktur 0012345678', // "00" is the international call prefix, not a number typed in Indonesia
    '+42054739', // no country has such a number
  ])('%j', (input) => {
    expect(mask(input)).toBe(input);
  });
});

describe('next to other numbers', () => {
  it('a landline in brackets never takes the first group of an NPWP after it', () => {
    expect(mask('(021) 5551234 01.234.567.8-901.000')).toBe('[TELEPON] [NPWP]');
    expect(mask('telp (0274) 766488 47.268.407.2-527.695 ya')).toBe('telp [TELEPON] [NPWP] ya');
    expect(mask('(021) 5551234-5')).toBe('[TELEPON]');
  });

  it('numbers typed one after the other are each what they are', () => {
    expect(mask('0911 312345 3171 2345 6789 0001')).toBe('[TELEPON] [NIK]');
    expect(mask('+1 202 555 0123, 012345678901000')).toBe('[TELEPON], [NPWP]');
  });
});

describe('stays fast', () => {
  it('a 10,000-character run of numbers, repeated or all different, masks in well under 50 ms', () => {
    let seed = 7;
    const digit = () => {
      seed = (seed * 48271) % 2147483647;
      return String(seed % 10);
    };
    const different = (groupSize: number) => {
      let s = '';
      while (s.length < 10_000) s += `08${Array.from({ length: groupSize - 2 }, digit).join('')} `;
      return s;
    };
    const shapes = ['081 '.repeat(2_500), '08 '.repeat(3_333), '0 81 '.repeat(2_000), different(3), different(4), different(12), '(0911) 312345 '.repeat(715)];
    for (const input of shapes) {
      mask(input);
      let fastest = Infinity;
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        mask(input);
        fastest = Math.min(fastest, performance.now() - started);
      }
      expect(fastest, `time for input starting ${JSON.stringify(input.slice(0, 20))}`).toBeLessThan(50);
    }
  }, 60_000);
});
