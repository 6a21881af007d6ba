// The folders of src/ are layers, and imports point one way (README, Layout): http and worker
// use db and the domain, the domain uses db, db uses nothing above it. The files at the top of
// src/ are the process (cli, service, config, log, paths, ...), which any layer may use.
// Around src/, what ships never imports what only tests and benchmarks use, and support/ (what
// tests, benchmarks and scripts share) imports none of its users.
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { root } from '../src/paths.ts';

type Layer = 'process' | 'db' | 'domain' | 'worker' | 'http';

/** LAYERS names the role of every folder of src/; a new folder needs a line here. */
const LAYERS: Record<string, Layer> = {
  db: 'db',
  bookings: 'domain',
  notifications: 'domain',
  schedules: 'domain',
  worker: 'worker',
  http: 'http',
};

/** FORBIDDEN lists, for each layer, the layers its files must not import. */
const FORBIDDEN: Record<Layer, readonly Layer[]> = {
  process: [],
  db: ['domain', 'worker', 'http'],
  domain: ['worker', 'http'],
  worker: ['http'],
  http: ['worker'],
};

const src = path.join(root, 'src');

function layerOf(file: string): Layer {
  const [first, ...rest] = path.relative(src, file).split(path.sep);
  if (rest.length === 0) return 'process';
  const layer = LAYERS[first ?? ''];
  if (layer === undefined) throw new Error(`src/${first}/ has no layer in test/layout.test.ts`);
  return layer;
}

/** importsOf returns the relative modules a file imports, statically or with import(). */
function importsOf(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((entry) => entry.fileName)
    .filter((name) => name.startsWith('.'));
}

const files = (await fs.readdir(src, { recursive: true }))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => path.join(src, name));

t.test('every folder of src/ has a layer', async (t) => {
  const folders = (await fs.readdir(src, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  t.ok(folders.length > 0);
  for (const folder of folders) t.ok(folder in LAYERS, `src/${folder}/ is in LAYERS`);
});

t.test('no import in src/ points back up the layers', async (t) => {
  const backwards: string[] = [];
  let count = 0;
  for (const file of files) {
    const from = layerOf(file);
    for (const spec of importsOf(await fs.readFile(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(src + path.sep)) continue;
      count++;
      const to = layerOf(target);
      if (FORBIDDEN[from].includes(to)) {
        backwards.push(`${path.relative(root, file)} (${from}) imports ${spec} (${to})`);
      }
    }
  }
  t.ok(count > 50, `the check read the imports (${count})`);
  t.same(backwards, [], 'imports that point back');
});

t.test('the check sees an import that points back', async (t) => {
  const text =
    "import { startWorker } from '../worker/worker.ts';\nconst m = import('../http/server.ts');";
  t.same(importsOf(text), ['../worker/worker.ts', '../http/server.ts']);
  const file = path.join(src, 'db', 'example.ts');
  const to = importsOf(text).map((spec) => layerOf(path.resolve(path.dirname(file), spec)));
  t.ok(to.every((layer) => FORBIDDEN[layerOf(file)].includes(layer)));
});

/** OUTSIDE lists, for each top-level folder of TypeScript, the top-level folders it must not import. */
const OUTSIDE: Record<string, readonly string[]> = {
  src: ['tasks', 'support', 'test', 'bench', 'scripts', 'chaos'],
  tasks: ['support', 'test', 'bench', 'scripts', 'chaos'],
  support: ['test', 'bench', 'scripts', 'chaos'],
  bench: ['test', 'scripts', 'chaos'],
  scripts: ['test', 'bench', 'chaos'],
  chaos: ['test', 'bench', 'scripts'],
};

t.test('what ships imports no support, and support imports none of its users', async (t) => {
  const wrong: string[] = [];
  let count = 0;
  for (const [folder, forbidden] of Object.entries(OUTSIDE)) {
    const names = (await fs.readdir(path.join(root, folder), { recursive: true })).filter((name) =>
      name.endsWith('.ts'),
    );
    for (const name of names) {
      const file = path.join(root, folder, name);
      for (const spec of importsOf(await fs.readFile(file, 'utf8'))) {
        const [top] = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep);
        count++;
        if (forbidden.includes(top ?? '')) wrong.push(`${folder}/${name} imports ${spec}`);
      }
    }
  }
  t.ok(count > 150, `the check read the imports (${count})`);
  t.same(wrong, [], 'imports of what the folder must not use');
});
