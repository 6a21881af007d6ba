// A frontend developer's check: GraphQL Code Generator (client-preset) generates types for the
// README's operations from schema.graphql, the committed output is what it generates, and the
// values the database guarantees are not nullable in it (docs/codegen/usage.ts type-checks).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import t from 'tap';
import ts from 'typescript';
import { codegenConfig, README_OPERATIONS } from '../docs/codegen/codegen.ts';
import { root } from '../src/paths.ts';
import { readmeDocument } from '../support/readme.ts';

const committedDir = path.join(root, 'docs', 'codegen', 'generated');

t.test(
  "the generator's documents hold the README's operations as the README has them",
  async (t) => {
    t.equal(
      await fs.readFile(README_OPERATIONS, 'utf8'),
      await readmeDocument(),
      'docs/codegen/operations/readme.graphql is up to date: run `npm run codegen`',
    );
  },
);

t.test('docs/codegen/generated is what GraphQL Code Generator generates now', async (t) => {
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'schoolbell-codegen-'));
  t.teardown(() => fs.rm(outDir, { recursive: true, force: true }));
  await generate(codegenConfig(outDir), true);
  const names = (await fs.readdir(outDir)).sort();
  t.same(names, (await fs.readdir(committedDir)).sort(), 'the same files');
  for (const name of names) {
    t.equal(
      await fs.readFile(path.join(outDir, name), 'utf8'),
      await fs.readFile(path.join(committedDir, name), 'utf8'),
      `${name} is up to date: run \`npm run codegen\` and review the diff`,
    );
  }
});

t.test('guaranteed values are not nullable in the generated types', async (t) => {
  const generated = await fs.readFile(path.join(committedDir, 'graphql.ts'), 'utf8');
  const typeOf = (name: string) => new RegExp(`export type ${name} = (.*);`).exec(generated)?.[1];
  t.match(
    typeOf('BookingsQuery'),
    '{ bookings: { totalCount: number, nodes: Array<{ id: string, state: BookingState,',
    'bookings, its nodes and their state are never null',
  );
  t.match(typeOf('BookingsQuery'), 'tutor: { name: string }, student: { name: string }');
  t.match(typeOf('RequestBookingMutation'), '{ requestBooking: { booking: { id: string');
  t.notMatch(generated, /Maybe<Booking/, 'no Maybe around a booking');

  // The proof a developer cares about: code without `?.` compiles against the types.
  const program = ts.createProgram([path.join(root, 'docs', 'codegen', 'usage.ts')], {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  t.same(problems, [], 'docs/codegen/usage.ts type-checks without null checks');
});
