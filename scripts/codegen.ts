// Writes docs/codegen/generated/ from schema.graphql and docs/codegen/operations/: `npm run
// codegen` after changing either (`npm run schema` first when sql/ changed).
import { generate } from '@graphql-codegen/cli';
import { codegenConfig } from '../docs/codegen/codegen.ts';

const files = await generate(codegenConfig(), true);
console.log(`wrote ${files.map((file: { filename: string }) => file.filename).join(', ')}`);
