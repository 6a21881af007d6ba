// The GraphQL conventions of our schema, as PostGraphile plugins gathered in ConventionsPreset:
// what a frontend developer expects to read (names, nullability, descriptions, filters),
// whatever the database spells. The SQL side is the comments in sql/
// (their smart tags are listed at the top of sql/0001_schemas.sql).
import type { SQL } from 'postgraphile/pg-sql2';

type Hooks = NonNullable<NonNullable<GraphileConfig.Plugin['schema']>['hooks']>;

/** schemaPlugin is one of our conventions: a plugin named Schoolbell<name> that hooks the schema. */
function schemaPlugin(
  name: string,
  hooks: Hooks,
  options: Partial<GraphileConfig.Plugin> = {},
): GraphileConfig.Plugin {
  return { name: `Schoolbell${name}`, version: '1.0.0', ...options, schema: { hooks } };
}

type Resource = GraphileBuild.Build['input']['pgRegistry']['pgResources'][string];

/**
 * functionResource finds the SQL function (a resource with parameters) that PostGraphile named
 * `name` with the inflector given (a query field, a mutation field, a mutation's input type).
 */
function functionResource(
  build: GraphileBuild.Build,
  inflector: 'customQueryField' | 'customMutationField' | 'customMutationInput',
  name: string,
): Resource | undefined {
  return Object.values(build.input.pgRegistry.pgResources).find(
    (resource) =>
      resource.parameters && build.inflection[inflector]({ resource: resource as never }) === name,
  );
}

/**
 * NamingPlugin keeps a table's `id` column as `id` (PostGraphile would rename it `rowId` to
 * make room for the global Node id, which we do not expose: our ids are UUIDs already), and
 * spells Postgres enum labels in upper case (`scheduled` is `SCHEDULED` in GraphQL, as
 * `STARTS_AT_ASC` is): the database keeps its lower-case labels, PostGraphile maps between them.
 */
export const NamingPlugin: GraphileConfig.Plugin = {
  name: 'SchoolbellNamingPlugin',
  version: '1.0.0',
  inflection: {
    replace: {
      _attributeName(_previous, _options, details) {
        const attribute = details.codec.attributes[details.attributeName];
        const name = attribute?.extensions?.tags?.name;
        return this.coerceToGraphQLName(typeof name === 'string' ? name : details.attributeName);
      },
      enumValue(previous, _options, value, codec) {
        const name = previous?.(value, codec) ?? value;
        return this.constantCase(name);
      },
    },
  },
};

/**
 * EnumValueDescriptionsPlugin describes each value of a Postgres enum from the `@value` smart
 * tags in its type's comment, one per label: `@value scheduled: Accepted; waits for its start.`
 * (the enums' comments in sql/). Postgres has no comment on an enum label.
 */
export const EnumValueDescriptionsPlugin = schemaPlugin('EnumValueDescriptionsPlugin', {
  GraphQLEnumType_values(values, build, context) {
    const codec = Object.values(build.input.pgRegistry.pgCodecs).find(
      (candidate) =>
        'values' in candidate &&
        Array.isArray(candidate.values) &&
        build.inflection.enumType(candidate as never) === context.Self.name,
    );
    const tag = codec?.extensions?.tags?.value;
    if (!codec || tag === undefined) return values;
    const described = new Map<string, string>();
    for (const line of Array.isArray(tag) ? tag : [tag]) {
      const match = /^([^:\s]+):\s*(.+)$/.exec(String(line));
      if (!match) throw new Error(`@value on ${codec.name} must read "<label>: <description>"`);
      described.set(
        build.inflection.enumValue(match[1] as string, codec as never),
        match[2] as string,
      );
    }
    for (const [name, value] of Object.entries(values)) {
      const description = described.get(name);
      if (description === undefined) {
        throw new Error(`${context.Self.name}.${name} has no @value description on ${codec.name}`);
      }
      value.description = description;
    }
    return values;
  },
});

/**
 * NonNullPlugin makes non-null what is always there: the root fields that list a table
 * (`bookings`, `users`, ...: row-level security may empty them, never null them), each edge's
 * cursor, and the payload of a mutation whose function is tagged `@notNull` (it returns its row
 * or raises). Nodes and edges themselves are non-null by the preset's
 * pgForbidSetofFunctionsToReturnNull.
 */
export const NonNullPlugin = schemaPlugin('NonNullPlugin', {
  GraphQLObjectType_fields_field(field, build, context) {
    const { GraphQLNonNull } = build.graphql;
    const { scope } = context;
    const tableConnection =
      scope.isRootQuery && scope.isPgFieldConnection && !scope.pgFieldResource?.parameters;
    const rowOrError =
      scope.isRootMutation &&
      functionResource(build, 'customMutationField', scope.fieldName)?.extensions?.tags?.notNull;
    if (
      (tableConnection || rowOrError || scope.isCursorField) &&
      !(field.type instanceof GraphQLNonNull)
    ) {
      return { ...field, type: new GraphQLNonNull(field.type) };
    }
    return field;
  },
});

/**
 * BookingConditionsPlugin adds to `BookingCondition` what a calendar or a list needs besides
 * equality: `states` (any of them) and a start-time window [`startsFrom`, `startsBefore`). With
 * `state` (equality, from its index) they filter the ordinary `bookings` connection, which keeps
 * its orderBy, real cursors and first/last/after/before. Times outside 1900-9999 are BADIN, as
 * everywhere.
 */
export const BookingConditionsPlugin = schemaPlugin(
  'BookingConditionsPlugin',
  {
    GraphQLInputObjectType_fields(fields, build, context) {
      const { scope, fieldWithHooks } = context;
      const codec = scope.pgCodec;
      if (!scope.isPgCondition || codec?.extensions?.pg?.name !== 'bookings') return fields;
      if (codec.extensions.pg.schemaName !== 'app_public') return fields;
      const {
        sql,
        graphql: { GraphQLList, GraphQLNonNull },
        dataplanPg: { sqlValueWithCodec, TYPES, listOfCodec },
      } = build;
      const stateCodec = codec.attributes?.state?.codec;
      const State = stateCodec && build.getGraphQLTypeByPgCodec(stateCodec, 'input');
      const Datetime = build.getGraphQLTypeByPgCodec(TYPES.timestamptz, 'input') as
        | import('postgraphile/graphql').GraphQLInputType
        | undefined;
      if (!stateCodec || !State || !Datetime) return fields;
      const states = listOfCodec(stateCodec as never);
      // A start-time bound outside 1900-9999 is BADIN. check_time depends on no row, so
      // Postgres evaluates it once per query, before reading any booking.
      const window = (condition: PgCondition, what: string, op: SQL, value: unknown) => {
        const time = sqlValueWithCodec(value, TYPES.timestamptz);
        condition.where(sql`app_hidden.check_time(${sql.literal(what)}, ${time})::text = ''`);
        condition.where(sql`${condition.alias}.starts_at ${op} ${time}`);
      };
      return build.extend(
        fields,
        {
          states: fieldWithHooks({ fieldName: 'states' }, () => ({
            description: 'Only bookings in one of these states.',
            type: new GraphQLList(new GraphQLNonNull(State as never)),
            apply(condition: PgCondition, value: unknown) {
              if (value == null) return;
              condition.where(
                sql`${condition.alias}.state = any (${sqlValueWithCodec(value, states)})`,
              );
            },
          })),
          startsFrom: fieldWithHooks({ fieldName: 'startsFrom' }, () => ({
            description: 'Only bookings that start at or after this time.',
            type: Datetime,
            apply(condition: PgCondition, value: unknown) {
              if (value != null) window(condition, 'startsFrom', sql`>=`, value);
            },
          })),
          startsBefore: fieldWithHooks({ fieldName: 'startsBefore' }, () => ({
            description: 'Only bookings that start before this time.',
            type: Datetime,
            apply(condition: PgCondition, value: unknown) {
              if (value != null) window(condition, 'startsBefore', sql`<`, value);
            },
          })),
        },
        'SchoolbellBookingConditionsPlugin',
      );
    },
  },
  { after: ['PgConditionArgumentPlugin'] },
);

/** PgCondition is the part of @dataplan/pg's condition step a condition field uses. */
type PgCondition = { alias: SQL; where(sql: SQL): void };

/** tagLines reads a smart tag that may appear once (a string) or several times (an array). */
function tagLines(tag: unknown): string[] {
  if (tag === undefined || tag === true) return [];
  return (Array.isArray(tag) ? tag : [tag]).map(String);
}

/** argDescriptions reads a function's `@arg <graphqlName>: <description>` tags. */
function argDescriptions(resource: {
  name: string;
  extensions?: { tags?: Record<string, unknown> };
}) {
  const described = new Map<string, string>();
  for (const line of tagLines(resource.extensions?.tags?.arg)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.+)$/.exec(line);
    if (!match) throw new Error(`@arg on ${resource.name} must read "<argName>: <description>"`);
    described.set(match[1] as string, match[2] as string);
  }
  return described;
}

/**
 * DescriptionsPlugin describes what PostGraphile generates without a description: a function's
 * arguments, as GraphQL arguments or mutation input fields (from `@arg <name>: <text>` tags in
 * the function's comment), a mutation payload's result field, a row lookup's key argument, and
 * the values of the orderBy enums. test/schema.test.ts fails on anything left undescribed.
 */
export const DescriptionsPlugin = schemaPlugin('DescriptionsPlugin', {
  GraphQLInputObjectType_fields(fields, build, context) {
    if (!context.scope.isMutationInput) return fields;
    const resource = functionResource(build, 'customMutationInput', context.Self.name);
    if (!resource) return fields;
    const described = argDescriptions(resource);
    for (const [name, field] of Object.entries(fields)) {
      const description = described.get(name);
      if (description !== undefined && typeof field === 'object' && !field.description) {
        field.description = description;
      }
    }
    return fields;
  },
  GraphQLObjectType_fields_field_args(args, build, context) {
    const { scope } = context;
    const resource =
      scope.pgFieldResource ??
      (scope.isRootQuery
        ? functionResource(build, 'customQueryField', scope.fieldName)
        : undefined);
    if (!resource) return args;
    const described = resource.parameters ? argDescriptions(resource) : undefined;
    for (const [name, arg] of Object.entries(args)) {
      if (arg.description) continue;
      const description = described
        ? described.get(name)
        : `The \`${name}\` of the ${build.inflection.tableType(resource.codec)} to read.`;
      if (description !== undefined) arg.description = description;
    }
    return args;
  },
  GraphQLObjectType_fields_field(field, _build, context) {
    const { scope } = context;
    if (!scope.isMutationPayload || field.description) return field;
    if (scope.fieldName === 'clientMutationId' || scope.fieldName === 'query') return field;
    return { ...field, description: `The \`${scope.fieldName}\` the mutation returns.` };
  },
  GraphQLEnumType_values_value(value, build, context) {
    if (!context.scope.isPgRowSortEnum || value.description) return value;
    const name = context.scope.valueName;
    const direction = name.endsWith('_DESC') ? 'descending' : 'ascending';
    if (name === 'NATURAL') {
      return {
        ...value,
        description: 'In no particular order (the order Postgres finds them).',
      };
    }
    if (name.startsWith('PRIMARY_KEY_')) {
      return { ...value, description: `By primary key, ${direction}.` };
    }
    const field = build.inflection.camelCase(name.replace(/_(ASC|DESC)$/, '').toLowerCase());
    return { ...value, description: `By \`${field}\`, ${direction}.` };
  },
});

/**
 * ConventionsPreset is our GraphQL conventions as one preset for src/http/graphql.ts to extend.
 */
export const ConventionsPreset: GraphileConfig.Preset = {
  plugins: [
    NamingPlugin,
    EnumValueDescriptionsPlugin,
    NonNullPlugin,
    BookingConditionsPlugin,
    DescriptionsPlugin,
  ],
  schema: { pgForbidSetofFunctionsToReturnNull: true },
};
