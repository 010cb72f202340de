// sql-check.mjs runs the checks of report/sqlquery's tests on real engines: SQL run by DuckDB
// (its Node API) and SQL parsed by dt-sql-parser's Trino and Spark grammars.
//
//   node sql-check.mjs --modules DIR JOB.json
//
// DIR is the folder whose node_modules holds @duckdb/node-api and dt-sql-parser (scripts/npm-sql.sh
// installs both). JOB.json is {"run": [{"id", "sql"}], "parse": [{"id", "dialect", "sql"}]}:
// every "run" statement goes to one in-memory DuckDB, in order, and every "parse" one to the
// grammar of its dialect ("trino" or "spark"). One JSON object goes to stdout:
// {"versions": {...}, "run": [{"id", "columns", "rows", "error"}], "parse": [{"id", "errors"}]}.
// Result cells are text: DECIMALs exactly as DuckDB holds them, NULL as null.
import { createRequire, register } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function usage(msg) {
  process.stderr.write(`sql-check: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 3 || args[0] !== '--modules') usage('usage: sql-check.mjs --modules DIR JOB.json');
const modules = resolve(args[1]);
const job = JSON.parse(readFileSync(args[2], 'utf8'));
const need = createRequire(resolve(modules, 'package.json'));

// dt-sql-parser 4.5.1 ships ES modules in .js files without "type": "module" and imports
// folders by name; this hook loads its files as modules and a folder as its index.js.
const hook = `
export async function resolve(spec, ctx, next) {
  try { return await next(spec, ctx); } catch (err) {
    if (err.code !== 'ERR_UNSUPPORTED_DIR_IMPORT' && err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    for (const tail of ['/index.js', '.js']) {
      try { return await next(spec + tail, ctx); } catch {}
    }
    throw err;
  }
}
export async function load(url, ctx, next) {
  if (url.includes('/dt-sql-parser/dist/') && url.endsWith('.js')) {
    return next(url, { ...ctx, format: 'module' });
  }
  return next(url, ctx);
}`;
register('data:text/javascript,' + encodeURIComponent(hook), import.meta.url);

const versions = {
  duckdb: need('@duckdb/node-api/package.json').version,
  'dt-sql-parser': need('dt-sql-parser/package.json').version,
};
const out = { versions, run: [], parse: [] };

if ((job.run ?? []).length > 0) {
  const { DuckDBInstance } = need('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  versions.duckdb_engine = (await conn.runAndReadAll('SELECT version()')).getRows()[0][0];
  for (const q of job.run) {
    try {
      const reader = await conn.runAndReadAll(q.sql);
      out.run.push({
        id: q.id,
        columns: reader.columnNames(),
        rows: reader.getRows().map((row) => row.map((v) => (v === null ? null : String(v)))),
      });
    } catch (err) {
      out.run.push({ id: q.id, error: String(err.message ?? err) });
    }
  }
}

if ((job.parse ?? []).length > 0) {
  const parserURL = pathToFileURL(need.resolve('dt-sql-parser')).href;
  const { TrinoSQL, SparkSQL } = await import(parserURL);
  const grammars = { trino: new TrinoSQL(), spark: new SparkSQL() };
  for (const p of job.parse) {
    const g = grammars[p.dialect];
    if (!g) usage(`no grammar for dialect ${p.dialect}`);
    const errors = g.validate(p.sql).map((e) => `${e.startLine}:${e.startColumn}: ${e.message}`);
    out.parse.push({ id: p.id, errors });
  }
}

process.stdout.write(JSON.stringify(out) + '\n');
