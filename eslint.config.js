import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'index/', 'models/', 'corpus/', 'test/fixtures/**/*.js', 'coverage/', 'tmp/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // The evidence view's browser script: classic scripts joined into one function scope by
    // src/view/page.ts, so names cross files; `tsc -p assets/view` checks them (DOM types, checkJs).
    files: ['assets/view/**/*.js'],
    languageOptions: { sourceType: 'script' },
    rules: { 'no-undef': 'off', '@typescript-eslint/no-unused-vars': 'off' },
  },
);
