// duckdb-rollup.mjs runs the reference rollup of scripts/bench-compare.sh in DuckDB:
// the `simple` metric of curnorm summed by account and service, exactly, as DECIMAL(38,10).
//
//   node duckdb-rollup.mjs --modules DIR --threads N --parquet GLOB   rollup of Parquet files
//   node duckdb-rollup.mjs --modules DIR --threads N --csv GLOB       rollup of legacy CSV(.gz)
//   node duckdb-rollup.mjs --modules DIR --threads N --empty          start-up only (SELECT 1)
//   node duckdb-rollup.mjs --modules DIR --threads N --copy SRC DST   rewrite Parquet with DuckDB
//
// DIR is the folder whose node_modules holds @duckdb/node-api. The rollup prints
// "account,service,cost" lines sorted by account and service on stdout, and the time the
// query took inside DuckDB on stderr.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

function usage(msg) {
  process.stderr.write(`duckdb-rollup: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = { threads: '2' };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    if (i + 1 >= args.length) usage(`${a} needs a value`);
    return args[++i];
  };
  switch (a) {
    case '--modules': opt.modules = value(); break;
    case '--threads': opt.threads = value(); break;
    case '--parquet': opt.parquet = value(); break;
    case '--csv': opt.csv = value(); break;
    case '--empty': opt.empty = true; break;
    case '--copy': opt.copy = [value(), value()]; break;
    default: usage(`unknown argument ${a}`);
  }
}
if (!opt.modules) usage('--modules DIR is required');
if ([opt.parquet, opt.csv, opt.empty, opt.copy].filter(Boolean).length !== 1) {
  usage('give exactly one of --parquet, --csv, --empty, --copy');
}

const { DuckDBInstance } = createRequire(resolve(opt.modules, 'package.json'))('@duckdb/node-api');
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

// The literal three-branch rule (curnorm's `simple` metric), each line item exact at 10
// decimals before it is summed.
const cost = (type, ri, sp, unblended) => `CAST(CASE ${type}
      WHEN 'DiscountedUsage' THEN ${ri}
      WHEN 'SavingsPlanCoveredUsage' THEN ${sp}
      ELSE ${unblended} END AS DECIMAL(38,10))`;

let sql;
if (opt.parquet) {
  sql = `SELECT line_item_usage_account_id AS account, line_item_product_code AS service,
    CAST(SUM(${cost('line_item_line_item_type', 'reservation_effective_cost',
      'savings_plan_savings_plan_effective_cost', 'line_item_unblended_cost')}) AS VARCHAR) AS cost
    FROM read_parquet(${quote(opt.parquet)})
    GROUP BY ALL ORDER BY ALL`;
} else if (opt.csv) {
  // Legacy headers are category/Name; only the columns the rule reads get a type, the
  // others stay text so DuckDB does not have to guess them.
  const types = {
    'lineItem/UsageAccountId': 'VARCHAR', 'lineItem/ProductCode': 'VARCHAR', 'lineItem/LineItemType': 'VARCHAR',
    'lineItem/UnblendedCost': 'DOUBLE', 'reservation/EffectiveCost': 'DOUBLE', 'savingsPlan/SavingsPlanEffectiveCost': 'DOUBLE',
  };
  const typeList = Object.entries(types).map(([k, v]) => `${quote(k)}: ${quote(v)}`).join(', ');
  sql = `SELECT "lineItem/UsageAccountId" AS account, "lineItem/ProductCode" AS service,
    CAST(SUM(${cost('"lineItem/LineItemType"', '"reservation/EffectiveCost"',
      '"savingsPlan/SavingsPlanEffectiveCost"', '"lineItem/UnblendedCost"')}) AS VARCHAR) AS cost
    FROM read_csv(${quote(opt.csv)}, header = true, all_varchar = true, types = {${typeList}})
    GROUP BY ALL ORDER BY ALL`;
} else if (opt.copy) {
  sql = `COPY (SELECT * FROM read_parquet(${quote(opt.copy[0])})) TO ${quote(opt.copy[1])} (FORMAT parquet)`;
} else {
  sql = 'SELECT 1';
}

const instance = await DuckDBInstance.create(':memory:', { threads: String(opt.threads) });
const conn = await instance.connect();
const start = performance.now();
const reader = await conn.runAndReadAll(sql);
const rows = reader.getRows();
const seconds = (performance.now() - start) / 1000;
if (opt.parquet || opt.csv) {
  const lines = rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','));
  process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
}
process.stderr.write(`duckdb query seconds ${seconds.toFixed(4)}\n`);
