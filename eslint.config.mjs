// typescript-eslint, strict and type-aware, on every TypeScript file but the generated imports/.
// `npm run lint` runs it with --max-warnings 0, and `npm run test:programs` as the reference
// check (scripts/static-checks.mjs --full, over the program the type check builds). npm test
// lints with oxlint instead, with the rules of .oxlintrc.json, which `npm run lint:config`
// generates from this file: after a change here, run it and commit both.
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['imports/**', 'node_modules/**', '.build/**', '.cache/**', '.ci/bin/**', 'dist/**', 'flux/**', 'host-provisioning/**', 'coverage/**', 'test/cluster/go/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An unused parameter or destructured element named `_x` says it is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // `(x) => void list.push(x)` and `() => set.add(x)` as callbacks are clear enough.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Check.run is async because some checks run programs (helm, kubeconform); the others
      // implement the same interface without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // NOT ON YET (docs/decisions/0042-service-modules-and-layers.md): the rendered manifests
      // are `any` (YAML), and these rules flag every read of one: 1700 places today. They go on
      // once the manifests are read through typed accessors.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Templates may show numbers, booleans, null/undefined and YAML values (messages print them
      // on purpose), and Ipv4Range, whose toString is its CIDR; an object that would print as
      // [object Object] is refused.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowBoolean: true,
          allowNullish: true,
          allowAny: true,
          allow: [{ from: 'file', name: 'Ipv4Range', path: 'lib/net/ipv4.ts' }],
        },
      ],
      // NOT ON YET: `!` after lookups the code has just made sure of (176 places).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // NOT ON YET: without noUncheckedIndexedAccess (tsconfig) every `record[key]` is typed as
      // present, so this rule calls the code's `=== undefined` guards unnecessary (35 places).
      // It goes on with that compiler option.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // The launchers and configurations in plain JavaScript: Node's globals, no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
    // .cjs and jest's .js files are CommonJS: require is how they import.
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
