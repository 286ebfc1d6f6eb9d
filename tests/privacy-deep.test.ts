/**
 * maskDeep: the masked deep copy of a value (objects, arrays, Maps, Sets, cycles, errors, dates),
 * secret-named keys redacted whatever their value looks like. The text rules themselves are in
 * tests/privacy.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { maskDeep } from '../src/privacy/index.js';

describe('maskDeep', () => {
  it('returns a masked deep copy and leaves the original untouched', () => {
    const ticket = {
      id: 'T-1',
      user: { name: 'Budi', email: 'budi@gmail.com', npwp: '01.234.567.8-901.000' },
      transcript: [
        { from: 'user', text: 'password saya Rahasia123!' },
        { from: 'bot', text: 'Mohon jangan bagikan password.' },
        { from: 'user', text: 'kode aktivasi 2399BDAA, hp 0812-3456-7890' },
      ],
      counts: [1, 2, 3],
      escalated: true,
      note: null as string | null,
      missing: undefined as string | undefined,
    };
    const snapshot = JSON.stringify(ticket);
    const masked = maskDeep(ticket);

    expect(JSON.stringify(ticket)).toBe(snapshot);
    expect(masked).not.toBe(ticket);
    expect(masked.user).not.toBe(ticket.user);
    expect(masked.transcript).not.toBe(ticket.transcript);
    expect(masked).toEqual({
      id: 'T-1',
      user: { name: 'Budi', email: '[EMAIL]', npwp: '[NPWP]' },
      transcript: [
        { from: 'user', text: 'password saya [RAHASIA]' },
        { from: 'bot', text: 'Mohon jangan bagikan password.' },
        { from: 'user', text: 'kode aktivasi [KODE-AKTIVASI], hp [TELEPON]' },
      ],
      counts: [1, 2, 3],
      escalated: true,
      note: null,
      missing: undefined,
    });
    const serialized = JSON.stringify(masked);
    for (const secret of ['budi@gmail.com', '234.567', 'Rahasia123', '2399BDAA', '3456-7890']) expect(serialized).not.toContain(secret);
  });

  it('masks strings at any depth, in Maps and Sets, and handles cycles', () => {
    type Node = { level: { deeper: { list: unknown[] } }; self?: Node };
    const value: Node = { level: { deeper: { list: [['NIK 3171234567890001'], new Map([['k', 'pw: abc123']]), new Set(['a@b.co'])] } } };
    value.self = value;
    const masked = maskDeep(value);
    const [inner, map, set] = masked.level.deeper.list as [string[], Map<string, string>, Set<string>];
    expect(inner).toEqual(['NIK [NIK]']);
    expect(map.get('k')).toBe('pw: [RAHASIA]');
    expect([...set]).toEqual(['[EMAIL]']);
    expect(masked.self).toBe(masked);
  });

  it('redacts values stored under secret-named keys, whatever they look like', () => {
    const masked = maskDeep({ password: 'hunter', userPassphrase: 'aku cinta pajak', pin: '1234', kodeAktivasi: '2399bdaa', empty: '', username: 'budi' });
    expect(masked).toEqual({
      password: '[RAHASIA]',
      userPassphrase: '[RAHASIA]',
      pin: '[RAHASIA]',
      kodeAktivasi: '[KODE-AKTIVASI]',
      empty: '',
      username: 'budi',
    });
  });

  it('copies errors (message and stack masked) and dates', () => {
    const error = new Error('login gagal, pw: abc123');
    const when = new Date(0);
    const masked = maskDeep({ error, when });
    expect(masked.error).toBeInstanceOf(Error);
    expect(masked.error).not.toBe(error);
    expect(masked.error.message).toBe('login gagal, pw: [RAHASIA]');
    expect(masked.error.stack ?? '').not.toContain('abc123');
    expect(error.message).toContain('abc123');
    expect(masked.when).toEqual(when);
    expect(masked.when).not.toBe(when);
  });

  it('masks a bare string and passes other primitives through', () => {
    expect(maskDeep('npwp 012345678901000')).toBe('npwp [NPWP]');
    expect(maskDeep(42)).toBe(42);
    expect(maskDeep(null)).toBe(null);
    expect(maskDeep(undefined)).toBe(undefined);
    expect(maskDeep(true)).toBe(true);
  });
});
