/**
 * The GraphQL Code Generator configuration of a frontend developer's check: client-preset
 * types for the README's operations (copied verbatim into docs/codegen/operations/readme.graphql)
 * and a few more a client needs (docs/codegen/operations/*.graphql), generated from the
 * committed schema.graphql, so that what the database guarantees reaches client code without
 * `Maybe<...>`. `npm run codegen` writes docs/codegen/generated/; test/codegen.test.ts generates
 * into a temporary directory and fails when the committed output differs.
 */
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = import.meta.dirname;

/** README_OPERATIONS holds the README's operations, as `npm run codegen` copies them. */
export const README_OPERATIONS = path.join(here, 'operations', 'readme.graphql');

/** codegenConfig generates into `outDir` (docs/codegen/generated/ unless told otherwise). */
export function codegenConfig(outDir = path.join(here, 'generated')): CodegenConfig {
  return {
    schema: path.join(here, '..', '..', 'schema.graphql'),
    documents: [path.join(here, 'operations', '*.graphql')],
    generates: {
      [`${outDir}${path.sep}`]: {
        preset: 'client',
        presetConfig: { fragmentMasking: false },
        config: { enumsAsTypes: true, useTypeImports: true, strictScalars: true, scalars: SCALARS },
      },
    },
    silent: true,
    errorsOnly: true,
  };
}

/** SCALARS are the TypeScript types of PostGraphile's scalars, as they arrive in JSON. */
const SCALARS = {
  BigInt: 'string',
  Cursor: 'string',
  Datetime: 'string',
  JSON: 'unknown',
  UUID: 'string',
};
