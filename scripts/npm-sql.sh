#!/usr/bin/env bash
# npm-sql.sh installs what the SQL tests of report/sqlquery run: DuckDB's Node API (a real
# DuckDB engine for the differential tests) and dt-sql-parser (the Trino and Spark grammars),
# pinned, into .cache/npm-sql (or $CURNORM_NPM_SQL). It does nothing when both are there.
#
#   scripts/npm-sql.sh            (or: make npm-sql)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${CURNORM_NPM_SQL:-$root/.cache/npm-sql}
duck_version=1.5.6-r.1
parser_version=4.5.1

for tool in node npm; do
	command -v "$tool" >/dev/null || {
		echo "npm-sql: $tool is not installed" >&2
		exit 1
	}
done
installed() {
	node -p "try { require('$dir/node_modules/$1/package.json').version } catch { '' }"
}
if [ "$(installed @duckdb/node-api)" = "$duck_version" ] && [ "$(installed dt-sql-parser)" = "$parser_version" ]; then
	exit 0
fi
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name": "curnorm-sql-check", "private": true}' >"$dir/package.json"
echo "npm-sql: installing @duckdb/node-api@$duck_version and dt-sql-parser@$parser_version into $dir" >&2
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
	"@duckdb/node-api@$duck_version" "dt-sql-parser@$parser_version" >&2
