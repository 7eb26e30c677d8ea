// ESLint runs only the type-aware promise rules Biome cannot apply: Biome (biome.json) does
// formatting and every other lint rule. A Durable Object stub's methods return promises Biome
// cannot see through; typescript-eslint reads the real types, so a call to another object that
// nobody awaits (or a `void` in front of one) fails `npm run lint`.
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['worker/**/*.ts'],
  languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.worker.json', tsconfigRootDir: import.meta.dirname } },
  plugins: { '@typescript-eslint': tseslint.plugin },
  linterOptions: { reportUnusedDisableDirectives: 'error' },
  rules: {
    '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
    '@typescript-eslint/no-misused-promises': 'error',
  },
});
