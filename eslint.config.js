// `npm run lint`: ESLint's and typescript-eslint's recommended rules over the code, the tests, the
// bench and the browser scripts of the web pages (console-ui/ and src/web/public/). Formatting is not
// linted (no formatter is imposed).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      // Stripping control characters from user input is deliberate (the regexes say which).
      'no-control-regex': 'off',
      // A `let` assigned once after closures that read it (server wiring) cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (destructuring a field away, an ignored argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' }],
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
