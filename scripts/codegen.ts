// Writes docs/codegen/operations/readme.graphql from the README's operations, then
// docs/codegen/generated/ from schema.graphql and docs/codegen/operations/: `npm run codegen`
// after changing either (`npm run schema` first when sql/ changed).
import fs from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { codegenConfig, README_OPERATIONS } from '../docs/codegen/codegen.ts';
import { readmeDocument } from '../support/readme.ts';

await fs.writeFile(README_OPERATIONS, await readmeDocument());
const files = await generate(codegenConfig(), true);
console.log(
  `wrote ${[README_OPERATIONS, ...files.map((file: { filename: string }) => file.filename)].join(', ')}`,
);
