/**
 * The GraphQL naming conventions of our schema, as PostGraphile inflection replacements: what a
 * frontend developer expects to read, whatever the database spells.
 */

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
 * (sql/0016_graphql_conventions.sql). Postgres has no comment on an enum label.
 */
export const EnumValueDescriptionsPlugin: GraphileConfig.Plugin = {
  name: 'SchoolbellEnumValueDescriptionsPlugin',
  version: '1.0.0',
  schema: {
    hooks: {
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
            throw new Error(
              `${context.Self.name}.${name} has no @value description on ${codec.name}`,
            );
          }
          value.description = description;
        }
        return values;
      },
    },
  },
};

/**
 * NonNullConnectionsPlugin makes non-null what a connection always has: the root fields that
 * list a table (`bookings`, `users`, ...: row-level security may empty them, never null them)
 * and each edge's cursor. Nodes and edges themselves are non-null by the preset's
 * pgForbidSetofFunctionsToReturnNull.
 */
export const NonNullConnectionsPlugin: GraphileConfig.Plugin = {
  name: 'SchoolbellNonNullConnectionsPlugin',
  version: '1.0.0',
  schema: {
    hooks: {
      GraphQLObjectType_fields_field(field, build, context) {
        const { GraphQLNonNull } = build.graphql;
        const { scope } = context;
        const tableConnection =
          scope.isRootQuery && scope.isPgFieldConnection && !scope.pgFieldResource?.parameters;
        if ((tableConnection || scope.isCursorField) && !(field.type instanceof GraphQLNonNull)) {
          return { ...field, type: new GraphQLNonNull(field.type) };
        }
        return field;
      },
    },
  },
};

/**
 * BookingConditionsPlugin adds to `BookingCondition` what a calendar or a list needs besides
 * equality: `states` (any of them) and a start-time window [`startsFrom`, `startsBefore`). With
 * `state` (equality, from its index) they filter the ordinary `bookings` connection, which keeps
 * its orderBy, real cursors and first/last/after/before. Times outside 1900-9999 are BADIN, as
 * everywhere.
 */
export const BookingConditionsPlugin: GraphileConfig.Plugin = {
  name: 'SchoolbellBookingConditionsPlugin',
  version: '1.0.0',
  after: ['PgConditionArgumentPlugin'],
  schema: {
    hooks: {
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
        const checkedTime = (what: string, value: unknown) =>
          sql`(select ${sqlValueWithCodec(value, TYPES.timestamptz)} where app_hidden.check_time(${sql.literal(what)}, ${sqlValueWithCodec(value, TYPES.timestamptz)}) is null)`;
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
                if (value == null) return;
                condition.where(
                  sql`${condition.alias}.starts_at >= ${checkedTime('startsFrom', value)}`,
                );
              },
            })),
            startsBefore: fieldWithHooks({ fieldName: 'startsBefore' }, () => ({
              description: 'Only bookings that start before this time.',
              type: Datetime,
              apply(condition: PgCondition, value: unknown) {
                if (value == null) return;
                condition.where(
                  sql`${condition.alias}.starts_at < ${checkedTime('startsBefore', value)}`,
                );
              },
            })),
          },
          'SchoolbellBookingConditionsPlugin',
        );
      },
    },
  },
};

/** PgCondition is the part of @dataplan/pg's condition step a condition field uses. */
type PgCondition = {
  alias: import('postgraphile/pg-sql2').SQL;
  where(sql: import('postgraphile/pg-sql2').SQL): void;
};

/**
 * ConventionsPreset is our GraphQL conventions as one preset for src/graphql.ts to extend.
 */
export const ConventionsPreset: GraphileConfig.Preset = {
  plugins: [
    NamingPlugin,
    EnumValueDescriptionsPlugin,
    NonNullConnectionsPlugin,
    BookingConditionsPlugin,
  ],
  schema: { pgForbidSetofFunctionsToReturnNull: true },
};
