/** The kinds of secret the masker finds (see `PLACEHOLDERS` in placeholders.ts for their tags). */
export type SecretKind = 'npwp' | 'nik' | 'activation-code' | 'password' | 'email' | 'phone' | 'card';
