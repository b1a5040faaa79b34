// Lint rules, including the layer rules of docs/ARCHITECTURE.md: SQL and database drivers only in src/store/, an
// inference engine that does no I/O, and no import cycles anywhere.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import regexp from 'eslint-plugin-regexp';

const SQL_START =
  '^\\s*(SELECT|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|WITH\\s+\\w+\\s+AS|CREATE\\s+(TABLE|INDEX)|ALTER\\s+TABLE|DROP\\s+(TABLE|INDEX))\\b';

const DRIVERS = ['pg', '@electric-sql/pglite', '@electric-sql/pglite/*'];

/** What the pure parts of the inference engine may not import: anything that reaches a disk, a network or the store. */
const IO_MODULES = [
  ...DRIVERS,
  'ioredis',
  'fastify',
  'node:fs',
  'node:fs/*',
  'node:net',
  'node:http',
  'node:child_process',
  '**/store/*',
  '**/server/*',
  '**/ingest/*',
  '**/cli/*',
  '**/jobs/*',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test/fixtures/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'web/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // What the service and the console run meets text from outside: no regular expression whose time grows faster than
    // the text it reads.
    files: ['src/**/*.ts', 'web/**/*.ts', 'web/**/*.tsx'],
    plugins: { regexp },
    rules: { 'regexp/no-super-linear-backtracking': 'error', 'regexp/no-super-linear-move': 'error' },
  },
  {
    // Tests read untyped fixtures and answers.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: DRIVERS, message: 'Database drivers are used in src/store/ only.' }] }],
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=/${SQL_START}/i]`, message: 'SQL belongs in src/store/.' },
        { selector: `TemplateElement[value.raw=/${SQL_START}/i]`, message: 'SQL belongs in src/store/.' },
      ],
    },
  },
  {
    // The domain is called by the commands, the server and the jobs, never calls them; the store calls nothing above it
    // (it may read the domain's types and a few pure helpers).
    files: ['src/posture/**', 'src/ingest/**', 'src/findings/**', 'src/ownership/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: DRIVERS, message: 'Database drivers are used in src/store/ only.' },
            { group: ['**/cli/*', '**/jobs/*'], message: 'The domain is called by the commands and jobs, never calls them.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/*', '**/cli/*', '**/jobs/*', '**/use-cases/*', '**/*-service.js'],
              message: 'The store calls nothing above it: the domain calls the store.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/ownership/engine*.ts',
      'src/ownership/calibration.ts',
      'src/ownership/evidence.ts',
      'src/ownership/confidence-bands.ts',
      'src/ownership/owner-type.ts',
      'src/ownership/label-model.ts',
      'src/ownership/beta.ts',
      'src/ownership/org-model-fit.ts',
      'src/ownership/creator-rate-from-structure.ts',
      'src/ownership/naming-rate-from-catalog.ts',
      'src/ownership/review-labels.ts',
      'src/ownership/review-priority.ts',
      'src/ownership/reviewed-owner-votes.ts',
      'src/ownership/vote-reliability.ts',
      'src/ownership/confidence-ceiling.ts',
      'src/ownership/inference-status.ts',
      'src/ownership/signals.ts',
      'src/ownership/string-order.ts',
      'src/ownership/markdown-code.ts',
      // The engine's part of each signal kind; their loaders read the store.
      'src/ownership/signal-kinds/*.ts',
    ],
    ignores: ['src/ownership/signal-kinds/*loader*.ts', 'src/ownership/signal-kinds/recorded-signals.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: IO_MODULES, message: 'The inference engine is pure: it is given its evidence and does no I/O.' }] },
      ],
    },
  },
);
