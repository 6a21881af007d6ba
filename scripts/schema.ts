// Writes schema.graphql and schema.sql (pg_dump --schema-only, normalised) from the migrated
// database: `npm run schema` after changing sql/. Uses DATABASE_URL, or the embedded database
// (migrating it first); pg_dump (PG_DUMP, or the one on PATH) must be at least the server's version.
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/db.ts';
import { dumpSchema } from '../src/db/schema-dump.ts';
import { printGraphqlSchema } from '../src/http/graphql.ts';
import { createLogger } from '../src/log.ts';
import { root } from '../src/paths.ts';
import { openDatabase, prepareDatabase } from '../src/service.ts';

const config = loadConfig();
const log = createLogger({ ...config, logLevel: 'warn' });
const database = await openDatabase('migrate', config, log);
const pool = createPool(database.url, 2, log, 'schema');
try {
  await prepareDatabase(pool, config, log, true);
  const sdl = await printGraphqlSchema(config, pool);
  await fs.writeFile(path.join(root, 'schema.graphql'), sdl);
  console.log(`wrote schema.graphql (${sdl.split('\n').length} lines)`);
  const sql = await dumpSchema(database.url);
  await fs.writeFile(path.join(root, 'schema.sql'), sql);
  console.log(`wrote schema.sql (${sql.split('\n').length} lines)`);
} finally {
  await pool.end();
  await database.embedded?.stop();
}
