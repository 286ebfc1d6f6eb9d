// `npm run lint`: ESLint's and typescript-eslint's recommended rules over the code, the tests, the
// bench and the browser scripts of the web pages (console-ui/ and src/web/public/); the TypeScript of
// src/ and console-ui/ also gets the type-checked recommended rules. Formatting is Prettier's
// (`.prettierrc.json`; `npm run format` writes it, `npm run lint` checks it after ESLint).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'data/**', 'coverage/**', '.cache/**', '.bundle-test-*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The shipped code (the server's src/ and the browser's console-ui/) gets the type-checked rules
    // (floating promises, unsafe `any`, unbound methods...). The project service finds each file's
    // nearest tsconfig.json: the root one for src/, console-ui/tsconfig.json (DOM, no Node types) for
    // console-ui/. tests/, bench/ and the scripts keep the plain `recommended` rules: type-aware linting
    // costs a full type-check per project, and the tests deliberately poke at untyped JSON bodies,
    // which the unsafe-`any` rules would flag on nearly every assertion. This block comes before the
    // rule settings below so that they override the defaults it re-declares.
    files: ['src/**/*.ts', 'console-ui/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Most `async` functions without an `await` are deliberate: the storage and Direct Line store
      // interfaces return Promises and their SQLite/in-memory implementations are synchronous, and
      // restify handlers are async by shape. `async` there turns a synchronous throw into a rejection
      // the caller handles; returning `Promise.resolve(...)` instead would not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      // Stripping control characters from user input is deliberate (the regexes say which).
      'no-control-regex': 'off',
      // A `let` assigned once after closures that read it (server wiring) cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (destructuring a field away, an ignored argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The pages' scripts run in the browser as classic scripts.
    files: ['src/web/public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    // The agent console's and insights page's sources (console-ui/, bundled for the browser by esbuild):
    // ES modules with browser globals; console-ui/tsconfig.json type-checks them without Node's types.
    files: ['console-ui/**/*.{ts,js}'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
  {
    files: ['eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
);
