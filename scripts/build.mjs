// Bundles the extension and the CLI with esbuild. `--production` minifies; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { NFLENS_VERSION: JSON.stringify(pkg.version) },
  // ssh2 loads optional native modules (cpu-features, sshcrypto) inside try/catch.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
};

// The CLI loads a command's module only when it runs (src/cli/commands.ts imports each with
// `import()`). The translate commands (drop-ins that must start fast) get a bundle of their own,
// dist/cli-translate.js; every other command module shares dist/cli-commands.js (one copy of
// the code they have in common keeps the .vsix small).
const commandsSource = readFileSync(new URL('../src/cli/commands.ts', import.meta.url), 'utf8');
const commandModules = [...commandsSource.matchAll(/import\('\.\/([\w-]+)'\)/g)].map((m) => m[1]);
const OWN_BUNDLE = ['translate'];
const sharedModules = commandModules.filter((m) => !OWN_BUNDLE.includes(m));
const bundleOf = (name) => (OWN_BUNDLE.includes(name) ? `./cli-${name}.js` : './cli-commands.js');
const commandModulesApart = {
  name: 'command-modules-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+$/ }, (args) => {
      const name = args.path.slice(2);
      if (args.kind !== 'dynamic-import' || !args.importer.endsWith('commands.ts') || !commandModules.includes(name)) return undefined;
      return { path: bundleOf(name), external: true };
    });
  },
};

// In the CLI, the iptables parser's Chevrotain lexers (only needed for unusual lines and for
// single commands) are a file of their own too: a dump's conversion then never compiles Chevrotain.
const iptablesLexerApart = {
  name: 'iptables-lexer-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/lexer$/ }, (args) => {
      if (args.kind !== 'require-call' || !/[\\/]iptables[\\/]parser\.ts$/.test(args.importer)) return undefined;
      return { path: './iptables-lexer.js', external: true };
    });
  },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [commandModulesApart], supported: { 'dynamic-import': false } },
  ...OWN_BUNDLE.map((name) => ({ ...common, entryPoints: [`src/cli/${name}.ts`], outfile: `dist/cli-${name}.js`, plugins: [iptablesLexerApart] })),
  {
    ...common,
    stdin: { contents: sharedModules.map((m) => `export * from './${m}';`).join('\n'), resolveDir: 'src/cli', sourcefile: 'cli-commands.ts', loader: 'ts' },
    outfile: 'dist/cli-commands.js',
  },
  { ...common, entryPoints: ['src/convert/iptables/lexer.ts'], outfile: 'dist/iptables-lexer.js' },
  { ...common, entryPoints: ['src/language/analysis-worker.ts'], outfile: 'dist/language-worker.js' },
  { ...common, entryPoints: ['src/views/conversion/verify-worker.ts'], outfile: 'dist/verify-worker.js' },
  { ...common, entryPoints: ['src/views/conversion/convert-worker.ts'], outfile: 'dist/convert-worker.js' },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching src/ ...');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // The summary webview loads the vscode-elements web components from dist/ (the .vsix has no node_modules).
  mkdirSync('dist', { recursive: true });
  copyFileSync(createRequire(import.meta.url).resolve('@vscode-elements/elements/dist/bundled.js'), 'dist/vscode-elements.js');
  chmodSync('dist/cli.js', 0o755);
}
