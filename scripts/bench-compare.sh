#!/usr/bin/env bash
# bench-compare.sh times curnorm against DuckDB on the same generated bills, with the same
# answer, and prints a table (issue 5). It builds curnorm, generates the bills with
# `curnorm sample` into .cache/bench, installs DuckDB's Node API from npm into .cache/duckdb,
# has DuckDB write one Parquet bill of its own, checks that both tools agree on every group,
# and times each tool RUNS times, interleaved so both meet the same machine.
#
#   scripts/bench-compare.sh            (or: make bench-compare)
#
# Environment: RUNS (default 3), THREADS (cores for both tools, default 2), SIZES (rows,
# default "1000000 5000000"), ONLY (an extended regular expression: time only the bills whose
# name matches, e.g. ONLY=parquet), BENCH_CACHE, DUCKDB_CACHE, DUCKDB_NODE_API_VERSION.
# Needs bash 4+, go, node 18+, npm and awk; GNU time (/usr/bin/time) or BSD time -l for the
# peak RSS.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${BENCH_CACHE:-$root/.cache/bench}
duckdir=${DUCKDB_CACHE:-$root/.cache/duckdb}
runs=${RUNS:-3}
threads=${THREADS:-2}
sizes=${SIZES:-1000000 5000000}
only=${ONLY:-.}
duck_version=${DUCKDB_NODE_API_VERSION:-1.5.6-r.1}

die() {
	echo "bench-compare: $*" >&2
	exit 1
}
say() { echo "bench-compare: $*" >&2; }

for tool in go node npm awk; do
	command -v "$tool" >/dev/null || die "$tool is not installed (needed: go, node 18+, npm, awk)"
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "node $node_major is too old: DuckDB's Node API needs 18 or newer"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$runs'"
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "THREADS must be a positive number, not '$threads'"
mkdir -p "$cache" "$duckdir"

# Clocks: wall time from the shell (microseconds), peak RSS from time(1).
now() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		echo "${EPOCHREALTIME/,/.}"
	else
		date +%s.%N
	fi
}
date +%s.%N | grep -q '^[0-9]*\.[0-9]*$' || [ -n "${EPOCHREALTIME:-}" ] ||
	die "no sub-second clock: run with bash 5+ or GNU date"
timer=none
if /usr/bin/time -f %M true >/dev/null 2>&1; then
	timer=gnu
elif /usr/bin/time -l true >/dev/null 2>&1; then
	timer=bsd
else
	say "no time(1) that reports peak memory: RSS is shown as n/a"
fi

# run OUT ERR CMD... runs CMD with stdout to OUT, stderr to ERR, and prints "seconds rss_mb".
run() {
	local out=$1 err=$2 t0 t1 rss=n/a status=0
	shift 2
	t0=$(now)
	case $timer in
	gnu) /usr/bin/time -f 'maxrss %M' -o "$err.time" "$@" >"$out" 2>"$err" || status=$? ;;
	bsd) /usr/bin/time -l "$@" >"$out" 2>"$err" || status=$? ;;
	none) "$@" >"$out" 2>"$err" || status=$? ;;
	esac
	t1=$(now)
	if [ "$status" -ne 0 ]; then
		cat "$err" >&2
		die "failed ($status): $*"
	fi
	case $timer in
	gnu) rss=$(awk '/^maxrss/ { printf "%.0f", $2 / 1024 }' "$err.time") ;;
	bsd) rss=$(awk '/maximum resident set size/ { printf "%.0f", $1 / 1048576 }' "$err") ;;
	esac
	awk -v a="$t0" -v b="$t1" -v r="$rss" 'BEGIN { printf "%.4f %s\n", b - a, r }'
}

say "building curnorm"
(cd "$root" && go build -trimpath -o "$cache/curnorm" ./cmd/curnorm) || die "go build failed"
curnorm=$cache/curnorm

if [ "$(node -p "try { require('$duckdir/node_modules/@duckdb/node-api/package.json').version } catch { '' }")" != "$duck_version" ]; then
	say "installing @duckdb/node-api@$duck_version into $duckdir"
	[ -f "$duckdir/package.json" ] || echo '{"name": "curnorm-bench-duckdb", "private": true}' >"$duckdir/package.json"
	npm install --prefix "$duckdir" --no-audit --no-fund --loglevel=error "@duckdb/node-api@$duck_version" >&2 ||
		die "npm could not install @duckdb/node-api@$duck_version"
fi
duck=(node "$root/scripts/duckdb-rollup.mjs" --modules "$duckdir" --threads "$threads")

# gen NAME SAMPLE-FLAGS... makes bill NAME once; a stamp of the flags and of the generator's
# source says whether the cached files still fit.
gen_source=$(cat "$root"/cur/sample/*.go | cksum | awk '{ print $1 }')
gen() {
	local name=$1 dir=$cache/$1 stamp
	shift
	stamp="$* $gen_source"
	if [ -f "$dir/.done" ] && [ "$(cat "$dir/.done")" = "$stamp" ]; then
		return
	fi
	say "generating $name (curnorm sample $*)"
	rm -rf "$dir"
	"$curnorm" sample "$@" -o "$dir" >/dev/null || die "curnorm sample $* failed"
	echo "$stamp" >"$dir/.done"
}

bytes_of() { ls -ln "$@" | awk '{ s += $5 } END { print s }'; }
label() { awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) print n / 1000000 "M"; else print n }'; }

bills=() # name|kind|rows: kind is csv or parquet
for n in $sizes; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "SIZES holds '$n', not a row count"
	l=$(label "$n")
	gen "legacy-csv-gz-$l" --flavour legacy-csv --gzip --rows "$n"
	gen "legacy-parquet-$l" --flavour legacy-parquet --rows "$n"
	gen "cur2-parquet-$l" --flavour cur2-parquet --rows "$n"
	bills+=("legacy-csv-gz-$l|csv|$n" "legacy-parquet-$l|parquet|$n" "cur2-parquet-$l|parquet|$n")
done
largest=$(for n in $sizes; do echo "$n"; done | sort -n | tail -1)
ll=$(label "$largest")
gen "legacy-csv-gz-$ll-8parts" --flavour legacy-csv --gzip --rows "$largest" --parts 8
bills+=("legacy-csv-gz-$ll-8parts|csv|$largest")

# DuckDB writes the largest legacy Parquet bill again, so curnorm also meets a writer other
# than its own.
dd=$cache/duckdb-parquet-$ll
src=$(ls "$cache/legacy-parquet-$ll/"*.parquet)
stamp="$duck_version $(bytes_of "$src")"
if ! [ -f "$dd/.done" ] || [ "$(cat "$dd/.done")" != "$stamp" ]; then
	say "DuckDB rewrites legacy-parquet-$ll into duckdb-parquet-$ll"
	rm -rf "$dd" && mkdir -p "$dd"
	"${duck[@]}" --copy "$src" "$dd/bill.parquet" >/dev/null 2>"$dd/copy.log" || {
		cat "$dd/copy.log" >&2
		die "DuckDB could not write $dd/bill.parquet"
	}
	echo "$stamp" >"$dd/.done"
fi
bills+=("duckdb-parquet-$ll|parquet|$largest")

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

glob() {
	case $2 in
	csv) echo "$cache/$1/*.csv.gz" ;;
	parquet) echo "$cache/$1/*.parquet" ;;
	esac
}

# agree CURNORM_CSV DUCKDB_CSV checks that every (account, service) group has the same cost
# to 1e-9 relative; curnorm prints an empty key as (none) and one row per currency.
agree() {
	awk -F, '
		function abs(x) { return x < 0 ? -x : x }
		NR == FNR {
			if (FNR == 1 || $1 == "(total)") next
			a = $1 == "(none)" ? "" : $1; s = $2 == "(none)" ? "" : $2
			cn[a SUBSEP s] += $5; next
		}
		{
			k = $1 SUBSEP $2; seen[k] = 1
			if (!(k in cn)) { printf "  group %s/%s: only DuckDB has it (%s)\n", $1, $2, $3; bad++; next }
			d = abs(cn[k] - $3); m = abs(cn[k]) > abs($3) ? abs(cn[k]) : abs($3)
			if (d > 1e-9 * m && d > 1e-10) { printf "  group %s/%s: curnorm %s, DuckDB %s\n", $1, $2, cn[k], $3; bad++ }
			groups++
		}
		END {
			for (k in cn) if (!(k in seen)) { split(k, p, SUBSEP); printf "  group %s/%s: only curnorm has it\n", p[1], p[2]; bad++ }
			if (groups == 0) { print "  DuckDB found no groups"; bad++ }
			exit bad > 0
		}' "$1" "$2"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -g | awk '{ v[NR] = $1 } END { m = v[int((NR + 1) / 2)]; printf "%.0f", (m > 0 ? 100 * (v[NR] - v[1]) / m : 0) }'; }

results=()
for b in "${bills[@]}"; do
	IFS='|' read -r name kind rows <<<"$b"
	[[ $name =~ $only ]] || continue
	shopt -s nullglob
	inputs=("$cache/$name"/*.csv.gz "$cache/$name"/*.parquet)
	shopt -u nullglob
	[ "${#inputs[@]}" -gt 0 ] || die "no files in $cache/$name"
	bytes=$(bytes_of "${inputs[@]}")
	cn=(env GOMAXPROCS="$threads" "$curnorm" report --metric simple --by account,service --format csv --jobs "$threads" "${inputs[@]}")
	dk=("${duck[@]}" "--$kind" "$(glob "$name" "$kind")")
	say "$name: $runs runs each of curnorm, DuckDB and DuckDB's start-up"
	: >"$work/cn.times"
	: >"$work/dk.times"
	: >"$work/dk.q"
	: >"$work/empty.times"
	for i in $(seq "$runs"); do
		run "$work/cn.csv" "$work/cn.err" "${cn[@]}" >>"$work/cn.times"
		run "$work/dk.csv" "$work/dk.err" "${dk[@]}" >>"$work/dk.times"
		cat "$work/dk.err" >>"$work/dk.q"
		run "$work/empty.out" "$work/empty.err" "${duck[@]}" --empty >>"$work/empty.times"
	done
	if ! agree "$work/cn.csv" "$work/dk.csv" >"$work/agree.txt"; then
		cat "$work/agree.txt" >&2
		mkdir -p "$cache/disagreement-$name"
		cp "$work/cn.csv" "$work/dk.csv" "$cache/disagreement-$name/"
		die "$name: curnorm and DuckDB disagree (both outputs are in $cache/disagreement-$name)"
	fi
	cs=$(awk '{ print $1 }' "$work/cn.times" | median)
	csp=$(awk '{ print $1 }' "$work/cn.times" | spread)
	crss=$(awk '{ print $2 }' "$work/cn.times" | sort -g | tail -1)
	ds=$(awk '{ print $1 }' "$work/dk.times" | median)
	dsp=$(awk '{ print $1 }' "$work/dk.times" | spread)
	drss=$(awk '{ print $2 }' "$work/dk.times" | sort -g | tail -1)
	dq=$(awk '/^duckdb query seconds/ { print $4 }' "$work/dk.q" | median)
	st=$(awk '{ print $1 }' "$work/empty.times" | median)
	results+=("$name $kind $rows $bytes $cs $csp $crss $ds $dsp $drss $dq $st")
done

printf '\nMachine: %s, %s cores; both tools on %s threads; median of %s runs. DuckDB s is its\n' \
	"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || uname -m)" \
	"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" "$threads" "$runs"
printf 'process time minus its start-up (an empty query, timed between the runs: start-up s);\n'
printf 'ratio = DuckDB s / curnorm s; q-ratio = DuckDB in-query / curnorm s.\n\n'
printf '%-27s %4s %5s | %9s %4s %9s %5s %6s | %8s %4s %8s %8s %6s | %5s %7s\n' \
	bill rows MB "curnorm s" "±%" rows/s MB/s "RSS MB" "DuckDB s" "±%" start-up in-query "RSS MB" ratio q-ratio
printf '%s\n' "---------------------------------------------------------------------------------------------------------------------------"
for r in "${results[@]}"; do
	read -r name kind rows bytes cs csp crss ds dsp drss dq st <<<"$r"
	awk -v n="$name" -v rows="$rows" -v bytes="$bytes" -v cs="$cs" -v csp="$csp" -v crss="$crss" \
		-v ds="$ds" -v dsp="$dsp" -v drss="$drss" -v dq="$dq" -v st="$st" -v l="$(label "$rows")" 'BEGIN {
		dt = ds - st; if (dt < 0.001) dt = 0.001
		printf "%-27s %4s %5.0f | %9.3f %4s %9.0f %5.0f %6s | %8.3f %4s %8.3f %8.3f %6s | %5.2f %7.2f\n",
			n, l, bytes / 1e6, cs, csp, rows / cs, bytes / 1e6 / cs, crss, dt, dsp, st, dq, drss, dt / cs, dq / cs
	}'
done
echo
echo "Every group agreed to 1e-9 relative (simple metric by account and service)."
echo "±% is the spread of the runs (max - min) over their median; in-query is the time DuckDB"
echo "itself reports for the query; RSS is the peak of the process (for DuckDB, Node included)."
echo "When start-up varies by more than the query takes (Parquet), q-ratio is the steadier one."

# Targets of issue 5, from the table above.
echo
echo "Targets (issue 5):"
get() { # get NAME FIELD
	for r in "${results[@]}"; do
		read -r name kind rows bytes cs csp crss ds dsp drss dq st <<<"$r"
		if [ "$name" = "$1" ]; then
			case $2 in
			cs) echo "$cs" ;; crss) echo "$crss" ;; ratio) awk -v ds="$ds" -v st="$st" -v cs="$cs" 'BEGIN { dt = ds - st; if (dt < 0.001) dt = 0.001; print dt / cs }' ;;
			qratio) awk -v dq="$dq" -v cs="$cs" 'BEGIN { print dq / cs }' ;;
			esac
		fi
	done
}
check() { # check DESCRIPTION VALUE OP LIMIT
	awk -v d="$1" -v v="$2" -v op="$3" -v lim="$4" 'BEGIN {
		if (v == "" || v == "n/a" || v == "inf" || v == "nan" || v == "-nan") { printf "  %-62s n/a\n", d; exit }
		ok = (op == ">=") ? v + 0 >= lim + 0 : v + 0 <= lim + 0
		printf "  %-62s %8.2f %s %-6s %s\n", d, v, op, lim, ok ? "met" : "NOT MET"
	}'
}
small=$(for n in $sizes; do echo "$n"; done | sort -n | head -1)
sl=$(label "$small")
# ratio A B: A / B of two figures, n/a without both or with only one size.
ratio() { awk -v a="$1" -v b="$2" -v one="$([ "$small" = "$largest" ] && echo 1)" 'BEGIN { if (b + 0 > 0 && a != "" && !one) print a / b; else print "n/a" }'; }
check "Parquet $ll (legacy): DuckDB/curnorm time" "$(get "legacy-parquet-$ll" ratio)" ">=" 1.0
check "Parquet $ll (CUR 2.0): DuckDB/curnorm time" "$(get "cur2-parquet-$ll" ratio)" ">=" 1.0
check "Parquet $ll (written by DuckDB): DuckDB/curnorm time" "$(get "duckdb-parquet-$ll" ratio)" ">=" 1.0
for f in legacy cur2 duckdb; do
	check "  the same, $f, against DuckDB's in-query time" "$(get "$f-parquet-$ll" qratio)" ">=" 1.0
done
check "CSV.gz $ll, one file: DuckDB/curnorm time" "$(get "legacy-csv-gz-$ll" ratio)" ">=" 1.25
check "CSV.gz $ll, 8 parts: DuckDB/curnorm time" "$(get "legacy-csv-gz-$ll-8parts" ratio)" ">=" 1.1
check "CSV.gz $ll: one file / 8 parts, curnorm time" "$(awk -v a="$(get "legacy-csv-gz-$ll" cs)" -v b="$(get "legacy-csv-gz-$ll-8parts" cs)" 'BEGIN { if (b + 0 > 0) print a / b; else print "n/a" }')" ">=" 1.7
for f in legacy-parquet cur2-parquet; do
	check "$f $ll: peak RSS MB" "$(get "$f-$ll" crss)" "<=" 200
	check "$f: RSS $ll / RSS $sl" "$(ratio "$(get "$f-$ll" crss)" "$(get "$f-$sl" crss)")" "<=" 1.1
	check "$f: time $ll / time $sl" "$(ratio "$(get "$f-$ll" cs)" "$(get "$f-$sl" cs)")" "<=" "$(awk -v a="$largest" -v b="$small" 'BEGIN { print 5.5 * a / b / 5 }')"
done
check "legacy-csv-gz $ll: peak RSS MB" "$(get "legacy-csv-gz-$ll" crss)" "<=" 64
check "legacy-csv-gz: RSS $ll / RSS $sl" "$(ratio "$(get "legacy-csv-gz-$ll" crss)" "$(get "legacy-csv-gz-$sl" crss)")" "<=" 1.1
check "legacy-csv-gz: time $ll / time $sl" "$(ratio "$(get "legacy-csv-gz-$ll" cs)" "$(get "legacy-csv-gz-$sl" cs)")" "<=" "$(awk -v a="$largest" -v b="$small" 'BEGIN { print 5.5 * a / b / 5 }')"
