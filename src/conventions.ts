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
