import fs from 'node:fs/promises';
import path from 'node:path';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { root } from '../src/paths.ts';

/** ReadmeOperation is one named GraphQL operation of the README, as a reader would copy it. */
export interface ReadmeOperation {
  /** name is the operation's name, e.g. RequestBooking. */
  readonly name: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  /** document is the whole ```graphql block the operation stands in. */
  readonly document: string;
  /** as is who the README says runs it (`# as Sam Student`), or undefined for anyone. */
  readonly as: string | undefined;
}

const BLOCK = /^```graphql\n([\s\S]*?)^```/gm;
const AS = /^#\s*as\s+([^;,.\n]+?)\s*(?:[;,.].*)?$/im;

/**
 * readmeOperations reads the README's ```graphql blocks, in order, one operation each. An
 * unnamed operation, or a block holding more than one, is refused: the suite runs them by name,
 * and a client's generated types are named after them too.
 */
export async function readmeOperations(
  file = path.join(root, 'README.md'),
): Promise<ReadmeOperation[]> {
  const text = await fs.readFile(file, 'utf8');
  const operations: ReadmeOperation[] = [];
  for (const [, block = ''] of text.matchAll(BLOCK)) {
    const definitions = parse(block).definitions.filter(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION,
    );
    if (definitions.length !== 1) {
      throw new Error(
        `a README graphql block must hold exactly one operation, this one holds ${definitions.length}:\n${block}`,
      );
    }
    const [operation] = definitions as [OperationDefinitionNode];
    const name = operation.name?.value;
    if (!name) throw new Error(`a README operation has no name; name it:\n${block}`);
    if (operations.some((known) => known.name === name)) {
      throw new Error(`the README names two operations ${name}`);
    }
    operations.push({ name, type: operation.operation, document: block, as: AS.exec(block)?.[1] });
  }
  return operations;
}

/**
 * readmeDocument is the README's operations as one GraphQL document, each block verbatim under a
 * line naming it, for tools that read .graphql files (GraphQL Code Generator).
 */
export async function readmeDocument(file?: string): Promise<string> {
  const blocks = (await readmeOperations(file)).map(
    (operation) => `# README.md: ${operation.name}\n${operation.document}`,
  );
  return `# Written by \`npm run codegen\` from the README's operations; do not edit.\n\n${blocks.join('\n')}`;
}
