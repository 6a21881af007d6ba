import { ConstantStep, constant, lambda, SafeError } from 'postgraphile/grafast';
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'postgraphile/graphql';
import type { Config } from '../config.ts';
import type { LimitErrorCode } from '../db/errors.ts';

/**
 * Cost limits for GraphQL operations. Everything here is checked during validation, before
 * any SQL runs, on the whole operation with its fragments expanded where they are used:
 *
 * - depth: fields nested inside one another (`bookings { nodes { id } }` is 3 deep);
 * - aliases: `a: bookings` counts one, once per place its fragment is spread;
 * - root fields: the fields at the top of the operation, each one SQL query or more;
 * - cost: how many fields may be resolved: every field counts once per row it may be resolved
 *   for, a connection's `nodes` and `edges` counting `first` (or `last`, or the default page
 *   size) times over, so nested connections multiply; a list sized by a `count` argument
 *   counts one per item;
 * - page sizes: a literal `first`/`last` above the maximum, or an `offset` above its own, is
 *   refused; values from variables are checked when the operation runs, still before SQL.
 *
 * Introspection fields (`__schema`, `__type`) are not counted: GRAPHQL_INTROSPECTION governs them.
 * Operations that pass but cost more than HEAVY_COST then run one at a time (see limitsPlugin).
 */

/** Limits are the bounds one operation must stay within (Config['graphqlLimits']). */
export type Limits = Config['graphqlLimits'];

/** Measure is what a selection set adds up to, relative to where it sits. */
interface Measure {
  /** depth is the deepest chain of fields inside, 0 for none. */
  depth: number;
  aliases: number;
  /** fields is how many fields sit at its top level (fragments included). */
  fields: number;
  /** cost is the fields it may resolve, for one instance of its parent. */
  cost: number;
}

interface Refusal {
  readonly code: LimitErrorCode;
  readonly message: string;
  readonly node: FieldNode | undefined;
}

const PAGE_ARGS = ['first', 'last'] as const;

/** costs remembers each validated document's cost; grafserv reuses the document it cached. */
const costs = new WeakMap<DocumentNode, number>();

/** operationCost is the cost the cost rule found for a document (its dearest operation), if any. */
export function operationCost(document: DocumentNode): number | undefined {
  return costs.get(document);
}

/** costRule is the validation rule that enforces the depth, alias, root field, cost and page limits. */
export function costRule(limits: Limits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const root =
        operation.operation === 'query'
          ? schema.getQueryType()
          : operation.operation === 'mutation'
            ? schema.getMutationType()
            : schema.getSubscriptionType();
      if (!root) return false;
      const refusals: Refusal[] = [];
      const measure = measurer(context, limits, refusals);
      const total = measure(operation.selectionSet, root, undefined);
      const document = context.getDocument();
      costs.set(document, Math.max(costs.get(document) ?? 0, total.cost));
      const count = new Intl.NumberFormat('en');
      if (total.depth > limits.maxDepth) {
        refusals.push({
          code: 'DEPTH',
          message: `the operation nests fields ${total.depth} deep; GRAPHQL_MAX_DEPTH allows ${limits.maxDepth}`,
          node: undefined,
        });
      }
      if (total.aliases > limits.maxAliases) {
        refusals.push({
          code: 'ALIAS',
          message: `the operation uses ${count.format(total.aliases)} aliases; GRAPHQL_MAX_ALIASES allows ${limits.maxAliases}`,
          node: undefined,
        });
      }
      if (total.fields > limits.maxRootFields) {
        refusals.push({
          code: 'ROOTS',
          message: `the operation asks for ${count.format(total.fields)} root fields; GRAPHQL_MAX_ROOT_FIELDS allows ${limits.maxRootFields}`,
          node: undefined,
        });
      }
      if (total.cost > limits.maxCost) {
        const shown = Number.isFinite(total.cost) ? count.format(total.cost) : 'unboundedly many';
        refusals.push({
          code: 'COSTS',
          message: `the operation may resolve ${shown} fields (each list counted at its first or last, else ${limits.defaultPageSize}); GRAPHQL_MAX_COST allows ${count.format(limits.maxCost)}: ask for smaller pages or fewer nested connections`,
          node: undefined,
        });
      }
      for (const refusal of refusals) {
        context.reportError(
          new GraphQLError(refusal.message, {
            nodes: refusal.node ?? operation,
            extensions: { code: refusal.code },
          }),
        );
      }
      return false;
    },
  });
}

/**
 * measurer returns a function that measures a selection set; fragments are measured once per
 * page size they are spread under, so that a document cannot make this work exponential.
 */
function measurer(context: ValidationContext, limits: Limits, refusals: Refusal[]) {
  const fragments = new Map<string, Measure>();
  const inProgress = new Set<string>();

  const measure = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    pageSize: number | undefined,
  ): Measure => {
    const total: Measure = { depth: 0, aliases: 0, fields: 0, cost: 0 };
    const add = (part: Measure) => {
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.fields += part.fields;
      total.cost += part.cost;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        add(measureField(selection, parentType, pageSize));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? context.getSchema().getType(selection.typeCondition.name.value)
          : parentType;
        if (type && isCompositeType(type)) add(measure(selection.selectionSet, type, pageSize));
      } else {
        const name = selection.name.value;
        const key = `${name}:${pageSize}`;
        let part = fragments.get(key);
        if (!part) {
          const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
          const type = fragment && context.getSchema().getType(fragment.typeCondition.name.value);
          // Unknown fragments and cycles are reported by graphql's own rules.
          if (!fragment || !type || !isCompositeType(type) || inProgress.has(key)) continue;
          inProgress.add(key);
          part = measure(fragment.selectionSet, type, pageSize);
          inProgress.delete(key);
          fragments.set(key, part);
        }
        add(part);
      }
    }
    return total;
  };

  const measureField = (
    node: FieldNode,
    parentType: GraphQLCompositeType,
    pageSize: number | undefined,
  ): Measure => {
    const name = node.name.value;
    const alias = node.alias ? 1 : 0;
    if (name === '__typename') return { depth: 1, aliases: alias, fields: 0, cost: 0 };
    if (name.startsWith('__')) return { depth: 0, aliases: alias, fields: 0, cost: 0 };
    const field =
      isObjectType(parentType) || isInterfaceType(parentType)
        ? parentType.getFields()[name]
        : undefined;
    // An unknown field is reported by graphql's own rules; count it as a leaf.
    if (!field) return { depth: 1, aliases: alias, fields: 1, cost: 1 };
    const childPageSize = pageSizeOf(field, node, limits, refusals);
    const type = getNamedType(field.type);
    const repeats = isListType(getNullableType(field.type))
      ? (pageSize ?? limits.defaultPageSize)
      : 1;
    const inner =
      node.selectionSet && isCompositeType(type)
        ? measure(node.selectionSet, type, childPageSize)
        : { depth: 0, aliases: 0, fields: 0, cost: 0 };
    return {
      depth: 1 + inner.depth,
      aliases: alias + inner.aliases,
      fields: 1,
      cost: 1 + repeats * inner.cost + countOf(field, node, limits),
    };
  };

  return measure;
}

/**
 * pageSizeOf is how many rows a paginated field (one with a `first` argument) may return as
 * written: its literal first or last, the maximum when a variable gives it (checked again at
 * run time), else the default. Out-of-bounds literals are refused.
 */
function pageSizeOf(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  limits: Limits,
  refusals: Refusal[],
): number | undefined {
  if (!field.args.some((arg) => arg.name === 'first')) return undefined;
  let size: number | undefined;
  for (const argument of node.arguments ?? []) {
    const name = argument.name.value;
    if ((PAGE_ARGS as readonly string[]).includes(name)) {
      const value = literal(argument.value);
      if (value === null) continue;
      if (value === undefined) {
        size = limits.maxPageSize;
        continue;
      }
      const problem = pageProblem(name, value, limits.maxPageSize, 'GRAPHQL_MAX_PAGE_SIZE');
      if (problem) refusals.push({ code: 'PAGES', message: `${field.name}: ${problem}`, node });
      size = Math.min(value, limits.maxPageSize);
    } else if (name === 'offset') {
      const value = literal(argument.value);
      const problem =
        typeof value === 'number' &&
        pageProblem(name, value, limits.maxOffset, 'GRAPHQL_MAX_OFFSET');
      if (problem) refusals.push({ code: 'PAGES', message: `${field.name}: ${problem}`, node });
    }
  }
  return size ?? limits.defaultPageSize;
}

/**
 * countOf is what a list sized by a `count` argument (`Schedule.upcoming(count)`) adds to the
 * cost: one per item it may compute, its literal count, or GRAPHQL_MAX_PAGE_SIZE when a variable
 * gives it; 0 for a field without one. The field itself bounds count when it runs.
 */
function countOf(field: GraphQLField<unknown, unknown>, node: FieldNode, limits: Limits): number {
  if (!field.args.some((arg) => arg.name === 'count')) return 0;
  const argument = node.arguments?.find((arg) => arg.name.value === 'count');
  const value = argument ? literal(argument.value) : null;
  if (value === undefined) return limits.maxPageSize;
  return Math.max(0, value ?? 0);
}

/** literal is an Int argument's value: a number, null, or undefined when a variable gives it. */
function literal(value: ValueNode): number | null | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.NULL) return null;
  return undefined;
}

function pageProblem(name: string, value: number, max: number, setting: string): string | null {
  if (value < 0) return `${name} must not be negative (got ${value})`;
  if (value > max) return `${name}: ${value} is more than ${setting} (${max})`;
  return null;
}

/**
 * withCode gives every error a rule reports an extensions.code, so that a program can tell a
 * refusal from other validation errors.
 */
function withCode(rule: ValidationRule, code: LimitErrorCode): ValidationRule {
  return (context) =>
    rule(
      Object.create(context, {
        reportError: {
          value: (error: GraphQLError) =>
            context.reportError(
              new GraphQLError(error.message, { nodes: error.nodes, extensions: { code } }),
            ),
        },
      }) as ValidationContext,
    );
}

/**
 * withoutSuggestions runs a rule of graphql's with `hideSuggestions` on, so that an unknown
 * field or argument gets no "Did you mean ...?": a guessing caller learns nothing of the schema.
 */
function withoutSuggestions(rule: ValidationRule): ValidationRule {
  return (context) =>
    rule(Object.create(context, { hideSuggestions: { value: true } }) as ValidationContext);
}

/** SUGGESTION matches the "Did you mean ...?" graphql appends to some messages. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** withoutSuggestion strips "Did you mean ...?" from a message (for errors raised at run time). */
export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** checkPage refuses, at run time, a page size or offset a variable brought out of bounds. */
function checkPage(name: string, value: unknown, max: number, setting: string): number | null {
  if (value === null || value === undefined) return null;
  const problem = pageProblem(name, Number(value), max, setting);
  if (problem) throw new SafeError(problem, { code: 'PAGES' satisfies LimitErrorCode });
  return Number(value);
}

type ConnectionLike = {
  setFirst(step: unknown): void;
  setLast(step: unknown): void;
  setOffset(step: unknown): void;
};

type FieldArgsLike = { getRaw(name: string): unknown };

/** isAbsent says whether an argument was left out (grafast plans it as a constant undefined). */
const isAbsent = (step: unknown) => step instanceof ConstantStep && step.data === undefined;

/**
 * HEAVY_COST is the cost above which an operation is expensive: expensive operations run one
 * at a time in a process (the rest wait their turn), so that however many a caller sends,
 * they take one share of the process and of Postgres, and cheap operations never queue.
 */
export const HEAVY_COST = 1000;

/** Turnstile lets one expensive operation through at a time, in arrival order. */
class Turnstile {
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  /** enter resolves true once it is this caller's turn, or false after waiting `ms` in vain. */
  async enter(ms: number): Promise<boolean> {
    if (!this.busy) {
      this.busy = true;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const turn = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        resolve(false);
      }, ms);
      this.waiting.push(turn);
    });
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

/**
 * limitsPlugin makes PostGraphile enforce the limits: the validation rules (the cost rule,
 * introspection off, no suggestions) go into grafserv's list through its setPreset middleware,
 * and every connection gets the default page size when neither first nor last is given, and
 * a run-time bound on first, last and offset.
 */
export function limitsPlugin(config: Config): GraphileConfig.Plugin {
  const limits = config.graphqlLimits;
  const turnstile = new Turnstile();
  return {
    name: 'SchoolbellLimitsPlugin',
    version: '1.0.0',
    after: ['PgFirstLastBeforeAfterArgsPlugin', 'PgRelationsPlugin', 'PgAllRowsPlugin'],
    grafast: {
      middleware: {
        async execute(next, event) {
          const cost = operationCost(event.args.document) ?? 0;
          if (cost <= HEAVY_COST) return next();
          // Waiting longer than one statement may run means the queue is not moving: say so.
          if (!(await turnstile.enter(config.statementTimeout.ms))) {
            return {
              errors: [
                new GraphQLError(
                  `the server is busy with expensive operations: this one (cost ${cost}, more than ${HEAVY_COST}) waited ${config.statementTimeout.text} for its turn; try again later, or ask for less`,
                  { extensions: { code: 'BUSY' satisfies LimitErrorCode } },
                ),
              ],
            };
          }
          try {
            return await next();
          } finally {
            turnstile.leave();
          }
        },
      },
    },
    grafserv: {
      middleware: {
        setPreset(next, event) {
          const rules = config.introspection
            ? event.validationRules
            : [
                ...event.validationRules.map(withoutSuggestions),
                withCode(NoSchemaIntrospectionCustomRule, 'INTRO'),
              ];
          event.validationRules.splice(0, Infinity, ...rules, costRule(limits));
          return next();
        },
      },
    },
    schema: {
      hooks: {
        GraphQLObjectType_fields(fields) {
          for (const [name, field] of Object.entries(fields)) {
            const args = field.args;
            const plan = field.plan;
            if (!args?.first || typeof plan !== 'function') continue;
            const paged = { ...args };
            for (const arg of ['first', 'last', 'offset'] as const) {
              const spec = args[arg];
              if (spec) paged[arg] = { ...spec, applyPlan: undefined };
            }
            fields[name] = {
              ...field,
              args: paged,
              plan(this: unknown, ...params: Parameters<typeof plan>) {
                const $connection = plan.apply(this, params) as unknown as ConnectionLike;
                const fieldArgs = params[1] as unknown as FieldArgsLike;
                const $first = fieldArgs.getRaw('first');
                const $last = args.last ? fieldArgs.getRaw('last') : constant(undefined);
                $connection.setFirst(
                  lambda([$first, $last] as never, ([first, last]: [unknown, unknown]) =>
                    first === null || first === undefined
                      ? last === null || last === undefined
                        ? limits.defaultPageSize
                        : null
                      : checkPage('first', first, limits.maxPageSize, 'GRAPHQL_MAX_PAGE_SIZE'),
                  ),
                );
                if (args.last && !isAbsent($last)) {
                  $connection.setLast(
                    lambda($last as never, (last: unknown) =>
                      checkPage('last', last, limits.maxPageSize, 'GRAPHQL_MAX_PAGE_SIZE'),
                    ),
                  );
                }
                const $offset = args.offset ? fieldArgs.getRaw('offset') : undefined;
                if ($offset && !isAbsent($offset)) {
                  $connection.setOffset(
                    lambda($offset as never, (offset: unknown) =>
                      checkPage('offset', offset, limits.maxOffset, 'GRAPHQL_MAX_OFFSET'),
                    ),
                  );
                }
                return $connection as never;
              },
            };
          }
          return fields;
        },
      },
    },
  };
}
