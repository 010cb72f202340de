// duckdb-rollup.mjs runs the reference rollup of scripts/bench-compare.sh in DuckDB:
// the `simple` metric of curnorm summed by the report's dimensions, exactly, as DECIMAL(38,10).
//
//   node duckdb-rollup.mjs --modules DIR --threads N [--by DIMS] [--account ID] --parquet GLOB
//   node duckdb-rollup.mjs --modules DIR --threads N [--by DIMS] [--account ID] --cur2 GLOB
//   node duckdb-rollup.mjs --modules DIR --threads N [--by DIMS] [--account ID] --csv GLOB
//   node duckdb-rollup.mjs --modules DIR --threads N --rules FILE [--rules FILE...] --parquet GLOB
//   node duckdb-rollup.mjs --modules DIR --threads N --empty          start-up only (SELECT 1)
//   node duckdb-rollup.mjs --modules DIR --threads N [--order COL] [--row-group-size N] --copy SRC DST
//
// --parquet reads legacy Parquet (flat columns, tags as resource_tags_user_KEY), --cur2 CUR 2.0
// Parquet (tags in the resource_tags MAP, key user_KEY), --csv legacy CSV(.gz). DIMS is a comma
// list of account, service and tag:KEY, as curnorm's --by (default account,service); --account
// keeps one usage account's rows, as curnorm's --filter account=ID. --copy rewrites a Parquet
// file with DuckDB's own writer, sorted by COL when given, in row groups of N rows when given.
//
// --rules runs, instead of the literal rule, each FILE's query (one `curnorm sql --table bill`
// wrote: curnorm's whole rule table) over the files as the table bill, and reports the time of
// them all; it prints the rows of none, and fails when a query gives none.
//
// DIR is the folder whose node_modules holds @duckdb/node-api. The rollup prints one
// "key,...,cost" line per group, sorted, on stdout (NULL as an empty field), and the time the
// query took inside DuckDB on stderr.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

function usage(msg) {
  process.stderr.write(`duckdb-rollup: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = { threads: '2', by: 'account,service', rules: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    if (i + 1 >= args.length) usage(`${a} needs a value`);
    return args[++i];
  };
  switch (a) {
    case '--modules': opt.modules = value(); break;
    case '--threads': opt.threads = value(); break;
    case '--by': opt.by = value(); break;
    case '--account': opt.account = value(); break;
    case '--parquet': opt.parquet = value(); break;
    case '--cur2': opt.cur2 = value(); break;
    case '--csv': opt.csv = value(); break;
    case '--order': opt.order = value(); break;
    case '--row-group-size': opt.rowGroupSize = value(); break;
    case '--rules': opt.rules.push(value()); break;
    case '--empty': opt.empty = true; break;
    case '--copy': opt.copy = [value(), value()]; break;
    default: usage(`unknown argument ${a}`);
  }
}
if (!opt.modules) usage('--modules DIR is required');
if ([opt.parquet, opt.cur2, opt.csv, opt.empty, opt.copy].filter(Boolean).length !== 1) {
  usage('give exactly one of --parquet, --cur2, --csv, --empty, --copy');
}
if (opt.rowGroupSize !== undefined && !/^[1-9][0-9]*$/.test(opt.rowGroupSize)) usage('--row-group-size needs a row count');

const { DuckDBInstance } = createRequire(resolve(opt.modules, 'package.json'))('@duckdb/node-api');
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

// The literal three-branch rule (curnorm's `simple` metric), each line item exact at 10
// decimals before it is summed.
const cost = (type, ri, sp, unblended) => `CAST(CASE ${type}
      WHEN 'DiscountedUsage' THEN ${ri}
      WHEN 'SavingsPlanCoveredUsage' THEN ${sp}
      ELSE ${unblended} END AS DECIMAL(38,10))`;

// Where each flavour keeps a dimension's value. The keys are printed as stored: the caller
// trims them and reads an empty one as (none), as curnorm does, so that the query is not
// slowed by work the comparison can do.
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
// A service is the product code, or on a Marketplace row the product's name.
const service = (entity, name, code) =>
  `CASE WHEN ${entity} = 'AWS Marketplace' AND ${name} <> '' THEN ${name} ELSE ${code} END`;
const flavours = {
  parquet: {
    account: 'line_item_usage_account_id',
    service: service('bill_billing_entity', 'product_product_name', 'line_item_product_code'),
    tag: (k) => ident(`resource_tags_user_${k.toLowerCase()}`),
    type: 'line_item_line_item_type', ri: 'reservation_effective_cost',
    sp: 'savings_plan_savings_plan_effective_cost', unblended: 'line_item_unblended_cost',
  },
  csv: {
    account: '"lineItem/UsageAccountId"',
    service: service('"bill/BillingEntity"', '"product/ProductName"', '"lineItem/ProductCode"'),
    tag: (k) => ident(`resourceTags/user:${k}`),
    type: '"lineItem/LineItemType"', ri: '"reservation/EffectiveCost"',
    sp: '"savingsPlan/SavingsPlanEffectiveCost"', unblended: '"lineItem/UnblendedCost"',
  },
};
// CUR 2.0 keeps tags and the product's name in MAP columns; DuckDB 1.5's map[key] is the
// value (NULL when the row lacks the key), not a list.
flavours.cur2 = {
  ...flavours.parquet,
  service: service('bill_billing_entity', "product['product_name']", 'line_item_product_code'),
  tag: (k) => `resource_tags[${quote(`user_${k.toLowerCase()}`)}]`,
};

let sql;
let from;
const kind = ['parquet', 'cur2', 'csv'].find((k) => opt[k]);
if (kind) {
  const f = flavours[kind];
  const keys = opt.by.split(',').map((d) => {
    d = d.trim();
    if (d === 'account' || d === 'service') return f[d];
    if (d.startsWith('tag:') && d.length > 4) return f.tag(d.slice(4));
    return usage(`--by: unknown dimension ${d} (account, service, tag:KEY)`);
  });
  const select = keys.map((k, i) => `${k} AS k${i}`).join(', ');
  from = `read_parquet(${quote(opt[kind])})`;
  if (kind === 'csv') {
    // Legacy headers are category/Name; only the columns the rule reads get a type, the
    // others stay text so DuckDB does not have to guess them.
    const types = {
      'lineItem/UnblendedCost': 'DOUBLE', 'reservation/EffectiveCost': 'DOUBLE', 'savingsPlan/SavingsPlanEffectiveCost': 'DOUBLE',
    };
    const typeList = Object.entries(types).map(([k, v]) => `${quote(k)}: ${quote(v)}`).join(', ');
    from = `read_csv(${quote(opt.csv)}, header = true, all_varchar = true, types = {${typeList}})`;
  }
  const where = opt.account === undefined ? '' : `WHERE TRIM(${f.account}) = ${quote(opt.account)}`;
  sql = `SELECT ${select}, CAST(SUM(${cost(f.type, f.ri, f.sp, f.unblended)}) AS VARCHAR) AS cost
    FROM ${from} ${where}
    GROUP BY ALL ORDER BY ALL`;
} else if (opt.copy) {
  const order = opt.order ? ` ORDER BY ${ident(opt.order)}` : '';
  const rg = opt.rowGroupSize ? `, ROW_GROUP_SIZE ${opt.rowGroupSize}` : '';
  sql = `COPY (SELECT * FROM read_parquet(${quote(opt.copy[0])})${order}) TO ${quote(opt.copy[1])} (FORMAT parquet${rg})`;
} else {
  sql = 'SELECT 1';
}

const instance = await DuckDBInstance.create(':memory:', { threads: String(opt.threads) });
const conn = await instance.connect();
if (opt.rules.length > 0) {
  if (!kind) usage('--rules reads --parquet, --cur2 or --csv');
  await conn.run(`CREATE VIEW bill AS SELECT * FROM ${from}`);
  let seconds = 0;
  for (const file of opt.rules) {
    const query = readFileSync(file, 'utf8');
    const start = performance.now();
    const reader = await conn.runAndReadAll(query);
    seconds += (performance.now() - start) / 1000;
    // An empty result would time a query that read nothing the rules apply to.
    if (reader.getRows().length === 0) usage(`--rules ${file}: the query gave no rows`);
  }
  process.stderr.write(`duckdb query seconds ${seconds.toFixed(4)}\n`);
} else {
  const start = performance.now();
  const reader = await conn.runAndReadAll(sql);
  const rows = reader.getRows();
  const seconds = (performance.now() - start) / 1000;
  if (kind) {
    const lines = rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','));
    process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
  }
  process.stderr.write(`duckdb query seconds ${seconds.toFixed(4)}\n`);
}
