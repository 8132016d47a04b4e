import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'bench/results/**',
      '**/*.js',
      '**/*.mjs',
      'vitest.config.ts',
      '**/vite.config.ts',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
    },
  },
  {
    // Dependencies point one way: web -> client -> protocol <- server.
    files: ['packages/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@segmentchat/*', 'ws', 'fastify'] }] },
  },
  {
    files: ['packages/client/src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@segmentchat/server', '@segmentchat/web'] }] },
  },
  {
    files: ['packages/web/src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@segmentchat/server'] }] },
  },
  {
    files: ['packages/server/src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@segmentchat/client', '@segmentchat/web'] }] },
  },
  {
    files: ['**/*.test.ts', '**/test/**', 'e2e/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
