// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/**
 * Layers from DESIGN.md, innermost first. Every layer is a key: a layer may import only the
 * layers listed for it, and only through their `index.js` (or a sub-folder's `index.js`, such as
 * `store/sqlite/index.js`, the `tributary/sqlite` subpath). Inside a layer, imports name files.
 */
const layers = {
  errors: [],
  graph: ['errors'],
  codec: ['errors'],
  time: ['errors'],
  engine: ['errors', 'graph', 'time'],
  executor: ['errors', 'graph', 'codec', 'engine', 'time'],
  store: ['errors', 'graph', 'engine', 'codec', 'time'],
  durable: ['errors', 'graph', 'engine', 'executor', 'store', 'codec', 'time'],
  orchestrator: ['errors', 'graph', 'engine', 'executor', 'store', 'codec', 'durable', 'time'],
  cli: [
    'errors',
    'graph',
    'engine',
    'executor',
    'store',
    'codec',
    'durable',
    'orchestrator',
    'time',
  ],
};
const allLayers = Object.keys(layers);

/** `src/graph`, `src/engine` and `src/time` are pure: no timers, clocks, file system or network. */
const pureLayers = ['graph', 'engine', 'time'];
const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'worker_threads',
  'timers',
];
const purityImportPattern = {
  regex: `^(node:|(${nodeBuiltins.join('|')})(/|$))`,
  message:
    'src/graph, src/engine and src/time are pure: no Node builtins (time and I/O come from outside).',
};
const purityMessage =
  'src/graph, src/engine and src/time are pure: time and I/O are passed in by the caller.';
const purityRules = {
  'no-restricted-globals': [
    'error',
    ...[
      'setTimeout',
      'setInterval',
      'setImmediate',
      'clearTimeout',
      'clearInterval',
      'clearImmediate',
      'queueMicrotask',
      'process',
      'fetch',
    ].map((name) => ({ name, message: purityMessage })),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: purityMessage },
    { object: 'performance', property: 'now', message: purityMessage },
  ],
  'no-restricted-syntax': [
    'error',
    // `new Date()` reads the clock too.
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: purityMessage },
  ],
};

const layerRules = Object.entries(layers).map(([layer, allowed]) => {
  const pure = pureLayers.includes(layer);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...allLayers
              .filter((other) => other !== layer && !allowed.includes(other))
              .map((other) => ({
                regex: `^(\\.\\./)+${other}(/|$)`,
                message: `src/${layer} ${allowed.length === 0 ? 'imports no other layer' : `may import only ${allowed.join(', ')}`}; not src/${other}.`,
              })),
            ...allowed.map((other) => ({
              // Temporal's deep-import ban, per folder: `../<layer>/index.js` or
              // `../<layer>/<sub-folder>/index.js`, never a file inside the layer.
              regex: `^(\\.\\./)+${other}/(?!([\\w-]+/)*index\\.js$)`,
              message: `Import src/${other} through its index.js (add what is missing there), not a file inside it.`,
            })),
            ...(pure ? [purityImportPattern] : []),
          ],
        },
      ],
      ...(pure ? purityRules : {}),
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tributary/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'import-x/no-cycle': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: 'error',
      // Sync backends implement async interfaces (better-sqlite3 behind RunStore).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  ...layerRules,
);
