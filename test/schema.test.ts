// The GraphQL schema as a frontend developer reads it: every type, field, argument and enum
// value described, walked through introspection of the live schema; the README's examples valid.
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeSchema } from 'postgraphile';
import { getIntrospectionQuery, graphql, type IntrospectionQuery } from 'postgraphile/graphql';
import t from 'tap';
import { parseConfig } from '../src/config.ts';
import { graphqlPreset } from '../src/http/graphql.ts';
import { root } from '../src/paths.ts';
import { createTestPool } from '../support/database.ts';

const { pool } = await createTestPool(t, 2);

/** undescribed lists, by path, what the introspected schema leaves without a description. */
function undescribed(result: IntrospectionQuery): string[] {
  const missing: string[] = [];
  const check = (path: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(path);
  };
  for (const type of result.__schema.types) {
    // graphql's own introspection types (__Schema, __Type, ...) are graphql-js's to describe.
    if (type.name.startsWith('__')) continue;
    check(type.name, type.description);
    if (type.kind === 'OBJECT' || type.kind === 'INTERFACE') {
      for (const field of type.fields) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args)
          check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (type.kind === 'INPUT_OBJECT') {
      for (const field of type.inputFields) check(`${type.name}.${field.name}`, field.description);
    }
    if (type.kind === 'ENUM') {
      for (const value of type.enumValues) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

t.test('every type, field, argument, mutation and enum value has a description', async (t) => {
  const { schema, resolvedPreset } = await makeSchema(graphqlPreset(parseConfig({}), pool));
  t.teardown(async () => {
    for (const service of resolvedPreset.pgServices ?? []) await service.release?.();
  });
  const result = await graphql({ schema, source: getIntrospectionQuery() });
  t.same(result.errors, undefined, 'introspection answers');
  const data = result.data as unknown as IntrospectionQuery;
  t.ok(data.__schema.types.length > 50, 'the whole schema was walked');
  t.same(undescribed(data), [], 'nothing is left undescribed');

  // The walk itself notices a gap: the same check on a type without descriptions.
  const bare = await graphql({
    schema: (await import('postgraphile/graphql')).buildSchema('type Query { ping: Boolean }'),
    source: getIntrospectionQuery(),
  });
  t.same(undescribed(bare.data as unknown as IntrospectionQuery), ['Query', 'Query.ping']);
});

t.test("the README's GraphQL examples are valid against schema.graphql", async (t) => {
  const { buildSchema, parse, validate } = await import('postgraphile/graphql');
  const schema = buildSchema(await fs.readFile(path.join(root, 'schema.graphql'), 'utf8'));
  const readme = await fs.readFile(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  t.ok(blocks.length >= 2, 'the README has examples');
  for (const block of blocks) {
    const errors = validate(schema, parse(block)).map((e) => e.message);
    t.same(errors, [], block.split('\n')[1]?.trim() ?? block);
  }
});
