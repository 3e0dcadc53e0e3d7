import nx from '@nx/eslint-plugin';

// Module boundaries (Nx tags):
//   type:app       may use domain, platform and contracts libs
//   type:platform  infrastructure adapters (Kafka, config, logging, health); may use contracts
//   type:domain    pure logic (key format, permission engine, projection); may use contracts
//   type:contracts event and topic contracts; imports nothing of ours
//   type:tool      repository checks (tools/deploy); may use platform and contracts
// No lib may import an app: no lib tag allows type:app.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.stack', '.nx', 'tmp', 'coverage', 'bench/results'] },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:contracts'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
          ],
        },
      ],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  {
    // Build configuration, not code: each app's webpack.config.js takes the shared tools/build setup.
    files: ['**/webpack.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['tools/**/*.js', '**/jest*.js', 'bench/**/*.ts', 'tools/deploy/check-compose.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
];
