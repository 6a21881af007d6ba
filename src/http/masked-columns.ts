import { sql } from 'postgraphile/pg-sql2';

/**
 * MaskedColumnsPlugin reads each column whose comment carries `@readThrough schema.function`
 * through that function of the row's `id` instead of reading the column. The request role has
 * no SELECT on those columns (sql/0002_users.sql, sql/0003_bookings.sql,
 * sql/0005_notifications.sql); the function decides, per caller, what they see: the value,
 * null, or a masked form. A masked column may be null unless it is also tagged `@notNull`.
 * Without this plugin the API would fail on such a column rather than show it.
 */
export const MaskedColumnsPlugin: GraphileConfig.Plugin = {
  name: 'SchoolbellMaskedColumnsPlugin',
  version: '1.0.0',
  gather: {
    hooks: {
      pgCodecs_attribute(_info, event) {
        const through = event.attribute.extensions?.tags?.readThrough;
        if (through === undefined) return;
        const parts = typeof through === 'string' ? through.split('.') : [];
        if (parts.length !== 2 || parts.some((part) => !/^[a-z_][a-z0-9_]*$/.test(part))) {
          throw new Error(
            `@readThrough on ${event.pgClass.relname}.${event.pgAttribute.attname} must name a function as schema.name`,
          );
        }
        const fn = sql.identifier(...(parts as [string, string]));
        event.attribute.expression = (alias) => sql`${fn}(${alias}.id)`;
        event.attribute.notNull = false;
      },
    },
  },
};
