#!/usr/bin/env bash
# bench-compare.sh times curnorm against DuckDB on the same generated bills, with the same
# answer, beside the floor of this machine, and prints the figures with the targets they meet.
# It builds curnorm and scripts/floor, generates the bills with `curnorm sample` into
# .cache/bench, installs DuckDB's Node API from npm into .cache/duckdb, has DuckDB write two
# Parquet bills of its own, and then, for every bill and every grouping of BY:
#
#   - times `curnorm report --metric simple --by DIMS FILES`, the default table with the bill
#     summary on stderr, and `--format csv`, which leaves the summary out (no-sum);
#   - times DuckDB's query of the same rollup (scripts/duckdb-rollup.mjs), its process and the
#     time it reports for the query itself, and its start-up alone (an empty query);
#   - times the floor (scripts/floor): for Parquet, reading and decompressing the column chunks
#     the curnorm run reads, nothing decoded; for CSV.gz, inflating the files with curnorm's
#     inflate, and `gzip -dc` and `pigz -dc` beside;
#   - on Parquet, times DuckDB running the SQL `curnorm sql --dialect duckdb` generates from
#     curnorm's rule table, the rollup and the summary's reconciliation (rules): what DuckDB
#     takes to apply the rules curnorm applies, beside the literal three-branch rule above;
#   - checks that curnorm and DuckDB agree on every group to 1e-9 relative.
#
# Runs are interleaved (curnorm, no-sum, floor, DuckDB, start-up, then again) so that every
# tool meets the same machine; each figure is the median of RUNS runs, with its spread.
#
#   scripts/bench-compare.sh                   (or: make bench-compare)
#   SCALE=50000000 scripts/bench-compare.sh    also the first grouping on a 50M-row bill
#                                              (generated into a temporary folder, removed)
#
# Bills: legacy CSV.gz (one file; at the largest size also 8 parts), legacy Parquet and CUR 2.0
# Parquet at each of SIZES; the largest legacy Parquet bill rewritten by DuckDB (cost columns
# stored PLAIN); and a bill of 200 accounts, rewritten by DuckDB sorted by account in row groups
# of 10,000 rows, grouped by service whole and with --filter account=ID.
#
# Environment: RUNS (default 3), THREADS (cores for every tool, default 2), SIZES (rows,
# default "1000000 5000000"), BY (groupings, default "account,service tag:team"), ONLY (an
# extended regular expression: only the bills whose name matches, e.g. ONLY=parquet), NOSUM
# (which bills time the no-sum run: parquet, the default, all or none; the others run it once,
# untimed, for the agreement check), FILTER_ROWS (rows of the filter bill, default 1000000; 0
# leaves it out), SCALE (rows of the scale run, off by default), SCALE_FLAVOUR (cur2-parquet,
# the default, or legacy-parquet), SCALE_DIR (a folder that holds the scale bill, made by
# 'curnorm sample --flavour SCALE_FLAVOUR --rows SCALE -o SCALE_DIR'; it is made there when
# empty and kept, instead of in a temporary folder), RULES (1, the default, times the rules
# runs; 0 leaves them out), BENCH_CACHE, DUCKDB_CACHE, DUCKDB_NODE_API_VERSION.
# Needs bash 4+, go, node 18+, npm, awk and gzip; GNU time (/usr/bin/time) or BSD time -l for
# the peak RSS; pigz is timed when installed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${BENCH_CACHE:-$root/.cache/bench}
duckdir=${DUCKDB_CACHE:-$root/.cache/duckdb}
runs=${RUNS:-3}
threads=${THREADS:-2}
sizes=${SIZES:-1000000 5000000}
only=${ONLY:-.}
read -r -a queries <<<"${BY:-account,service tag:team}"
nosum=${NOSUM:-parquet}
filter_rows=${FILTER_ROWS:-1000000}
scale=${SCALE:-}
scale_flavour=${SCALE_FLAVOUR:-cur2-parquet}
scale_keep=${SCALE_DIR:-}
rules=${RULES:-1}
duck_version=${DUCKDB_NODE_API_VERSION:-1.5.6-r.1}

die() {
	echo "bench-compare: $*" >&2
	exit 1
}
say() { echo "bench-compare: $*" >&2; }

for tool in go node npm awk gzip; do
	command -v "$tool" >/dev/null || die "$tool is not installed (needed: go, node 18+, npm, awk, gzip)"
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "node $node_major is too old: DuckDB's Node API needs 18 or newer"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$runs'"
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "THREADS must be a positive number, not '$threads'"
[ "${#queries[@]}" -gt 0 ] || die "BY names no grouping"
case $nosum in parquet | all | none) ;; *) die "NOSUM is parquet, all or none, not '$nosum'" ;; esac
[[ $filter_rows =~ ^(0|[1-9][0-9]*)$ ]] || die "FILTER_ROWS must be a row count, not '$filter_rows'"
[[ -z $scale || $scale =~ ^[1-9][0-9]*$ ]] || die "SCALE must be a row count, not '$scale'"
case $scale_flavour in cur2-parquet | legacy-parquet) ;; *) die "SCALE_FLAVOUR is cur2-parquet or legacy-parquet" ;; esac
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

say "building curnorm and the floor"
(cd "$root" && go build -trimpath -o "$cache/curnorm" ./cmd/curnorm && go build -trimpath -o "$cache/floor" ./scripts/floor) ||
	die "go build failed"
curnorm=$cache/curnorm
floor=$cache/floor
pigz=$(command -v pigz || true)

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

# ls -l's size column is the portable one (stat's flags differ between GNU and BSD).
# shellcheck disable=SC2012
bytes_of() { ls -ln "$@" | awk '{ s += $5 } END { print s }'; }
label() { awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) print n / 1000000 "M"; else print n }'; }

# wanted NAME: ONLY lets the bill be timed.
wanted() { [[ $1 =~ $only ]]; }

# duck_copy SRC DST [FLAGS...] has DuckDB rewrite bill SRC's Parquet file into bill DST, once;
# FLAGS go to duckdb-rollup.mjs (--order, --row-group-size).
duck_copy() {
	local src dd=$cache/$2 stamp
	src=$(ls "$cache/$1/"*.parquet)
	shift 2
	stamp="$duck_version $(bytes_of "$src") $*"
	if [ -f "$dd/.done" ] && [ "$(cat "$dd/.done")" = "$stamp" ]; then
		return
	fi
	say "DuckDB rewrites $(basename "$(dirname "$src")") into $(basename "$dd") $*"
	rm -rf "$dd" && mkdir -p "$dd"
	"${duck[@]}" "$@" --copy "$src" "$dd/bill.parquet" >/dev/null 2>"$dd/copy.log" || {
		cat "$dd/copy.log" >&2
		die "DuckDB could not write $dd/bill.parquet"
	}
	echo "$stamp" >"$dd/.done"
}

# Bills: name|kind|rows|groupings. kind is csv, parquet (legacy) or cur2 (CUR 2.0 Parquet);
# groupings are separated by ';', each DIMS or DIMS+account=ID (that filter as well).
every=$(
	IFS=';'
	echo "${queries[*]}"
)
largest=$(for n in $sizes; do echo "$n"; done | sort -n | tail -1)
ll=$(label "$largest")
bills=()
for n in $sizes; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "SIZES holds '$n', not a row count"
	l=$(label "$n")
	if wanted "legacy-csv-gz-$l"; then
		gen "legacy-csv-gz-$l" --flavour legacy-csv --gzip --rows "$n"
		bills+=("legacy-csv-gz-$l|csv|$n|$every")
	fi
	# The largest legacy Parquet bill is also what DuckDB rewrites.
	if wanted "legacy-parquet-$l" || { [ "$n" = "$largest" ] && wanted "duckdb-parquet-$l"; }; then
		gen "legacy-parquet-$l" --flavour legacy-parquet --rows "$n"
		! wanted "legacy-parquet-$l" || bills+=("legacy-parquet-$l|parquet|$n|$every")
	fi
	if wanted "cur2-parquet-$l"; then
		gen "cur2-parquet-$l" --flavour cur2-parquet --rows "$n"
		bills+=("cur2-parquet-$l|cur2|$n|$every")
	fi
done
if wanted "legacy-csv-gz-$ll-8parts"; then
	gen "legacy-csv-gz-$ll-8parts" --flavour legacy-csv --gzip --rows "$largest" --parts 8
	bills+=("legacy-csv-gz-$ll-8parts|csv|$largest|$every")
fi
# DuckDB's writer stores the two high-cardinality cost columns PLAIN, not as dictionaries:
# a file curnorm's own writer would not make.
if wanted "duckdb-parquet-$ll"; then
	duck_copy "legacy-parquet-$ll" "duckdb-parquet-$ll"
	bills+=("duckdb-parquet-$ll|parquet|$largest|$every")
fi
# A bill of many accounts whose rows are sorted by account, in small row groups: the row
# groups' statistics let --filter account=ID pass over all but the one or two holding it.
frl=$(label "$filter_rows")
if [ "$filter_rows" -gt 0 ] && wanted "clustered-parquet-$frl"; then
	gen "legacy-parquet-200acct-$frl" --flavour legacy-parquet --accounts 200 --rows "$filter_rows"
	duck_copy "legacy-parquet-200acct-$frl" "clustered-parquet-$frl" --order line_item_usage_account_id --row-group-size 10000
	# The middle one of the sorted account ids.
	acct=$("$curnorm" report --metric simple --by account --sort name --format csv "$cache/clustered-parquet-$frl/bill.parquet" |
		awk -F, 'NR > 1 && $1 != "(total)" { a[++n] = $1 } END { print a[int((n + 1) / 2)] }')
	[ -n "$acct" ] || die "no account in clustered-parquet-$frl"
	bills+=("clustered-parquet-$frl|parquet|$filter_rows|service;service+account=$acct")
fi
[ "${#bills[@]}" -gt 0 ] || die "ONLY='$only' matches no bill"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
scale_dir=
cleanup() { rm -rf "$work" ${scale_dir:+"$scale_dir"}; }
trap cleanup EXIT

glob() {
	case $2 in
	csv) echo "$cache/$1/*.csv.gz" ;;
	*) echo "$cache/$1/*.parquet" ;;
	esac
}

# agree CURNORM_CSV DUCKDB_CSV DIMS checks that every group of DIMS keys has the same cost to
# 1e-9 relative. Keys are compared as curnorm reads them: trimmed, empty being its (none);
# curnorm prints one row per currency and its cost after the keys, currency and rows.
agree() {
	awk -F, -v n="$3" '
		function abs(x) { return x < 0 ? -x : x }
		function key(   i, k, v) {
			k = ""
			for (i = 1; i <= n; i++) {
				v = $i; gsub(/^[ \t]+|[ \t]+$/, "", v)
				if (v == "(none)") v = ""
				k = k (i > 1 ? "/" : "") v
			}
			return k
		}
		NR == FNR { if (FNR > 1 && $1 != "(total)") cn[key()] += $(n + 3); next }
		{ dk[key()] += $(n + 1) }
		END {
			for (k in dk) {
				if (!(k in cn)) { printf "  group %s: only DuckDB has it (%s)\n", k, dk[k]; bad++; continue }
				d = abs(cn[k] - dk[k]); m = abs(cn[k]) > abs(dk[k]) ? abs(cn[k]) : abs(dk[k])
				if (d > 1e-9 * m && d > 1e-10) { printf "  group %s: curnorm %s, DuckDB %s\n", k, cn[k], dk[k]; bad++ }
				groups++
			}
			for (k in cn) if (!(k in dk)) { printf "  group %s: only curnorm has it\n", k; bad++ }
			if (groups == 0) { print "  DuckDB found no groups"; bad++ }
			exit bad > 0
		}' "$1" "$2"
}

# stats FILE [FIELD]: the median of a column of numbers (default the first) and its spread, the
# range of the runs over their median in percent; "n/a n/a" for an empty file.
stats() {
	awk -v c="${2:-1}" '{ print $c }' "$1" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "n/a n/a"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.4f %.0f\n", m, (m > 0 ? 100 * (v[NR] - v[1]) / m : 0)
		}'
}

declare -A R # R[bill|grouping|figure]
# figure KEY MEDIAN SPREAD FILE keeps the median and spread of FILE's run times.
figure() {
	local m p
	read -r m p < <(stats "$4")
	R["$1|$2"]=$m R["$1|$3"]=$p
}
# peak FILE: the largest RSS of FILE's runs.
peak() { awk '{ print $2 }' "$1" | sort -g | tail -1; }
keys=()
for b in "${bills[@]}"; do
	IFS='|' read -r name kind rows groupings <<<"$b"
	shopt -s nullglob
	inputs=("$cache/$name"/*.csv.gz "$cache/$name"/*.parquet)
	shopt -u nullglob
	[ "${#inputs[@]}" -gt 0 ] || die "no files in $cache/$name"
	bytes=$(bytes_of "${inputs[@]}")
	IFS=';' read -r -a groups <<<"$groupings"
	for q in "${groups[@]}"; do
		by=${q%%+*} filter=
		[[ $q != *+* ]] || filter=${q#*+}
		k="$name|$q"
		keys+=("$k")
		flags=(--metric simple --by "$by")
		dflags=(--by "$by")
		if [ -n "$filter" ]; then
			flags+=(--filter "$filter")
			dflags+=(--account "${filter#account=}")
		fi
		cn=(env GOMAXPROCS="$threads" "$curnorm" report "${flags[@]}" --jobs "$threads" "${inputs[@]}")
		ns=("${cn[@]}" --format csv)
		dk=("${duck[@]}" "${dflags[@]}" "--$kind" "$(glob "$name" "$kind")")
		# DuckDB with curnorm's whole rule table: the rollup, and the reconciliation the summary
		# also holds.
		dr=()
		if [ "$rules" = 1 ] && [ "$kind" != csv ] && [ -z "$filter" ]; then
			"$curnorm" sql --dialect duckdb --schema "${inputs[0]}" --table bill "${flags[@]}" >"$work/rules.sql" ||
				die "$name: curnorm sql failed"
			"$curnorm" sql --dialect duckdb --schema "${inputs[0]}" --table bill --metric simple --reconciliation \
				>"$work/reconciliation.sql" || die "$name: curnorm sql --reconciliation failed"
			dr=("${duck[@]}" --rules "$work/rules.sql" --rules "$work/reconciliation.sql" "--$kind" "$(glob "$name" "$kind")")
		fi
		timed_ns=
		[[ $nosum == all || ($nosum == parquet && $kind != csv) ]] && timed_ns=1
		# The floor: for CSV.gz inflating the files (with curnorm's inflate, and gzip's and
		# pigz's beside), the same whatever the grouping, so timed with the first one; for
		# Parquet the chunks this very run reads.
		fl=() gz=() pz=()
		if [ "$kind" = csv ]; then
			if [ "$q" = "${groups[0]}" ]; then
				printf '%s\0' "${inputs[@]}" >"$work/inputs"
				fl=(env GOMAXPROCS="$threads" "$floor" gunzip --workers "$threads" "${inputs[@]}")
				# shellcheck disable=SC2016 # expanded by sh, from its arguments
				inflate=(sh -c 'xargs -0 -P "$1" -n 1 "$2" -dc <"$3"' inflate "$threads")
				gz=("${inflate[@]}" gzip "$work/inputs")
				[ -z "$pigz" ] || pz=("${inflate[@]}" "$pigz" "$work/inputs")
			fi
		else
			"$floor" plan "${flags[@]}" "${inputs[@]}" >"$work/plan" || die "$name: floor plan failed"
			fl=(env GOMAXPROCS="$threads" "$floor" read --workers "$threads" "$work/plan")
		fi
		say "$name, --by $by${filter:+ --filter $filter}: $runs runs each"
		for f in cn ns fl gz pz dk dq dr rq empty; do : >"$work/$f.times"; done
		for _ in $(seq "$runs"); do
			run "$work/cn.out" "$work/cn.err" "${cn[@]}" >>"$work/cn.times"
			[ -z "$timed_ns" ] || run "$work/ns.csv" "$work/ns.err" "${ns[@]}" >>"$work/ns.times"
			[ "${#fl[@]}" -eq 0 ] || run /dev/null "$work/fl.err" "${fl[@]}" >>"$work/fl.times"
			[ "${#gz[@]}" -eq 0 ] || run /dev/null "$work/gz.err" "${gz[@]}" >>"$work/gz.times"
			[ "${#pz[@]}" -eq 0 ] || run /dev/null "$work/pz.err" "${pz[@]}" >>"$work/pz.times"
			run "$work/dk.csv" "$work/dk.err" "${dk[@]}" >>"$work/dk.times"
			awk '/^duckdb query seconds/ { print $4 }' "$work/dk.err" >>"$work/dq.times"
			run "$work/empty.out" "$work/empty.err" "${duck[@]}" --empty >>"$work/empty.times"
			if [ "${#dr[@]}" -gt 0 ]; then
				run /dev/null "$work/dr.err" "${dr[@]}" >>"$work/dr.times"
				awk '/^duckdb query seconds/ { print $4 }' "$work/dr.err" >>"$work/rq.times"
			fi
		done
		[ -n "$timed_ns" ] || run "$work/ns.csv" "$work/ns.err" "${ns[@]}" >/dev/null
		if ! agree "$work/ns.csv" "$work/dk.csv" "$(awk -F, '{ print NF }' <<<"$by")" >"$work/agree.txt"; then
			cat "$work/agree.txt" >&2
			d=$cache/disagreement-$name-${q//[^a-z0-9]/_}
			mkdir -p "$d"
			cp "$work/ns.csv" "$work/dk.csv" "$d/"
			die "$name --by $by: curnorm and DuckDB disagree (both outputs are in $d)"
		fi
		R["$k|kind"]=$kind R["$k|rows"]=$rows R["$k|bytes"]=$bytes
		figure "$k" cs csp "$work/cn.times"
		figure "$k" ns nsp "$work/ns.times"
		figure "$k" ds dsp "$work/dk.times"
		figure "$k" dq dqp "$work/dq.times"
		figure "$k" st stp "$work/empty.times"
		[ "${#dr[@]}" -eq 0 ] || figure "$k" rq rqp "$work/rq.times"
		R["$k|crss"]=$(peak "$work/cn.times")
		R["$k|drss"]=$(peak "$work/dk.times")
		if [ "${#fl[@]}" -gt 0 ]; then
			figure "$k" fs fsp "$work/fl.times"
			figure "$k" gs gsp "$work/gz.times"
			figure "$k" ps psp "$work/pz.times"
			if [ "$kind" = csv ]; then
				R["$k|fcols"]=- R["$k|fmb"]=$bytes
			else
				R["$k|fcols"]=$(cut -f3 "$work/plan" | sort -u | wc -l | tr -d ' ')
				R["$k|fmb"]=$(awk '/^chunks/ { print $6 }' "$work/fl.err")
			fi
			first=$k
		else
			for f in fs fsp gs gsp ps psp fcols fmb; do R["$k|$f"]=${R["$first|$f"]}; done
		fi
	done
done

# The scale run: a bill SCALE rows long, generated into a temporary folder (it is large, and
# made once), timed on the first grouping of BY beside the same bill at the largest size.
if [ -n "$scale" ]; then
	scale_dir=${scale_keep:-$(mktemp -d "${TMPDIR:-/tmp}/bench-scale.XXXXXX")}
	sl=$(label "$scale")
	mkdir -p "$scale_dir"
	shopt -s nullglob
	sinputs=("$scale_dir"/*.parquet)
	shopt -u nullglob
	if [ "${#sinputs[@]}" -eq 0 ]; then
		kept=" (removed at exit)"
		[ -z "$scale_keep" ] || kept=" (kept)"
		say "generating $scale_flavour-$sl into $scale_dir$kept"
		"$curnorm" sample --flavour "$scale_flavour" --rows "$scale" -o "$scale_dir" >/dev/null ||
			die "curnorm sample --flavour $scale_flavour --rows $scale failed"
		shopt -s nullglob
		sinputs=("$scale_dir"/*.parquet)
		shopt -u nullglob
	else
		say "$scale_flavour-$sl: the bill in $scale_dir"
	fi
	scale_key="$scale_flavour-$sl|${queries[0]}"
	R["$scale_key|rows"]=$scale R["$scale_key|bytes"]=$(bytes_of "${sinputs[@]}")
	say "$scale_flavour-$sl, --by ${queries[0]}: $runs runs"
	: >"$work/scale.times"
	for _ in $(seq "$runs"); do
		run "$work/scale.out" "$work/scale.err" env GOMAXPROCS="$threads" "$curnorm" report --metric simple \
			--by "${queries[0]}" --jobs "$threads" "${sinputs[@]}" >>"$work/scale.times"
	done
	figure "$scale_key" cs csp "$work/scale.times"
	R["$scale_key|crss"]=$(peak "$work/scale.times")
	[ -n "$scale_keep" ] || rm -rf "$scale_dir"
fi

# get KEY FIGURE: one figure, empty when not measured.
get() { echo "${R["$1|$2"]:-}"; }
# ratio A B: A / B, n/a without both.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) print a / b; else print "n/a" }'; }
# duck_ratio KEY: DuckDB's process time less its start-up over curnorm's.
duck_ratio() { ratio "$(awk -v d="$(get "$1" ds)" -v s="$(get "$1" st)" 'BEGIN { t = d - s; print t < 0.001 ? 0.001 : t }')" "$(get "$1" cs)"; }

printf '\nMachine: %s, %s cores; every tool on %s threads; median of %s runs, ±%% the spread of the\n' \
	"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || uname -m)" \
	"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" "$threads" "$runs"
printf 'runs (max - min) over their median. curnorm: report --metric simple --by DIMS, the table\n'
printf 'and the bill summary. DuckDB s: its process time less its start-up (an empty query, timed\n'
printf 'between the runs); in-query: the time DuckDB reports for the query. ratio = DuckDB s /\n'
printf 'curnorm s; q-ratio = in-query / curnorm s.\n\n'
row() { # row KEY: the line of the first table
	local k=$1 name=${1%%|*} q=${1#*|}
	awk -v n="$name" -v q="${q/+/ }" -v l="$(label "$(get "$k" rows)")" -v rows="$(get "$k" rows)" -v bytes="$(get "$k" bytes)" \
		-v cs="$(get "$k" cs)" -v csp="$(get "$k" csp)" -v crss="$(get "$k" crss)" -v ds="$(get "$k" ds)" \
		-v dsp="$(get "$k" dsp)" -v st="$(get "$k" st)" -v stp="$(get "$k" stp)" -v dq="$(get "$k" dq)" \
		-v dqp="$(get "$k" dqp)" -v drss="$(get "$k" drss)" -v r="$(duck_ratio "$k")" -v qr="$(ratio "$(get "$k" dq)" "$(get "$k" cs)")" 'BEGIN {
		dt = ds - st; if (dt < 0.001) dt = 0.001
		printf "%-27s %-28s %4s %5.0f | %9.3f %4s %9.0f %6s | %8.3f %4s %8.3f %4s %8.3f %4s %6s | %5.2f %7.2f\n",
			n, q, l, bytes / 1e6, cs, csp, rows / cs, crss, dt, dsp, st, stp, dq, dqp, drss, r, qr
	}'
}
printf '%-27s %-28s %4s %5s | %9s %4s %9s %6s | %8s %4s %8s %4s %8s %4s %6s | %5s %7s\n' \
	bill by rows MB "curnorm s" "±%" rows/s "RSS MB" "DuckDB s" "±%" start-up "±%" in-query "±%" "RSS MB" ratio q-ratio
line=$(printf '%*s' 164 '' | tr ' ' -)
echo "$line"
for k in "${keys[@]}"; do row "$k"; done
echo
echo "Every group agreed with DuckDB to 1e-9 relative (DuckDB summing DECIMAL(38,10)). RSS is the"
echo "peak of the process (for DuckDB, Node included)."

printf '\nThe floor and the summary. no-sum: the same run with --format csv, which reads no summary\n'
printf 'column (%s). floor: the least work on this machine, for Parquet reading and\n' \
	"$([ "$nosum" = none ] && echo "not timed" || echo "timed on $nosum bills")"
printf 'decompressing every page of the column chunks the curnorm run reads (cols: their leaf columns;\n'
printf 'MB: their bytes as stored), for CSV.gz inflating the files with the inflate curnorm uses\n'
printf '(klauspost/compress), %s files at once; gzip -dc and pigz -dc the same. x floor = curnorm s\n' "$threads"
printf '/ floor s; summary = (curnorm s - no-sum s) / curnorm s.\n\n'
frow() { # frow KEY: the line of the second table
	local k=$1 name=${1%%|*} q=${1#*|}
	awk -v n="$name" -v q="${q/+/ }" -v cs="$(get "$k" cs)" -v csp="$(get "$k" csp)" -v ns="$(get "$k" ns)" \
		-v nsp="$(get "$k" nsp)" -v fs="$(get "$k" fs)" -v fsp="$(get "$k" fsp)" -v cols="$(get "$k" fcols)" \
		-v fmb="$(get "$k" fmb)" -v gs="$(get "$k" gs)" -v gsp="$(get "$k" gsp)" -v ps="$(get "$k" ps)" \
		-v psp="$(get "$k" psp)" -v kind="$(get "$k" kind)" 'BEGIN {
		num = "%8.3f"
		nsx = ns == "n/a" || ns == "" ? sprintf("%8s %4s %7s", "-", "", "") : sprintf(num " %4s %6.0f%%", ns, nsp, 100 * (cs - ns) / cs)
		fsx = fs == "n/a" || fs == "" ? sprintf("%8s %4s", "n/a", "") : sprintf(num " %4s", fs, fsp)
		xf = fs + 0 > 0 ? sprintf("%7.2f", cs / fs) : sprintf("%7s", "n/a")
		gsx = gs == "n/a" || gs == "" ? sprintf("%8s %4s", "", "") : sprintf(num " %4s", gs, gsp)
		psx = ps == "n/a" || ps == "" ? sprintf("%8s %4s", kind == "csv" ? "n/a" : "", "") : sprintf(num " %4s", ps, psp)
		printf "%-27s %-28s | %9.3f %4s | %s | %s %4s %7.1f %s | %s %s\n", n, q, cs, csp, nsx, fsx, cols, fmb / 1e6, xf, gsx, psx
	}'
}
printf '%-27s %-28s | %9s %4s | %8s %4s %7s | %8s %4s %4s %7s %7s | %8s %4s %8s %4s\n' \
	bill by "curnorm s" "±%" "no-sum s" "±%" summary "floor s" "±%" cols MB "x floor" "gzip s" "±%" "pigz s" "±%"
echo "${line:0:160}"
for k in "${keys[@]}"; do frow "$k"; done

if [ "$rules" = 1 ]; then
	printf '\nThe same rules in DuckDB. rules s: DuckDB running, over the same files, the SQL that\n'
	printf "'curnorm sql --dialect duckdb' generates from curnorm's rule table: the rollup by DIMS and the\n"
	printf "summary's reconciliation (the in-query time of both). curnorm s does both, and the rest of\n"
	printf 'the summary, in one run. rules-ratio = rules s / curnorm s.\n\n'
	printf '%-27s %-28s | %9s %4s | %8s %4s | %11s\n' bill by "curnorm s" "±%" "rules s" "±%" rules-ratio
	echo "${line:0:100}"
	for k in "${keys[@]}"; do
		[ -n "$(get "$k" rq)" ] || continue
		awk -v n="${k%%|*}" -v q="${k#*|}" -v cs="$(get "$k" cs)" -v csp="$(get "$k" csp)" -v rq="$(get "$k" rq)" \
			-v rqp="$(get "$k" rqp)" -v r="$(ratio "$(get "$k" rq)" "$(get "$k" cs)")" \
			'BEGIN { printf "%-27s %-28s | %9.3f %4s | %8.3f %4s | %11.2f\n", n, q, cs, csp, rq, rqp, r }'
	done
fi

if [ -n "$scale" ]; then
	ref="$scale_flavour-$ll|${queries[0]}"
	where="generated in a temporary folder"
	[ -z "$scale_keep" ] || where="in $scale_keep"
	printf '\nScale: %s, --by %s with the summary, %s runs of the %s-row bill (%s)\n' \
		"$scale_flavour" "${queries[0]}" "$runs" "$sl" "$where"
	printf 'beside the %s-row bill of the first table.\n\n' "$ll"
	printf '%-27s %4s %6s | %9s %4s %8s %6s\n' bill rows MB "curnorm s" "±%" "ns/row" "RSS MB"
	for kk in "$ref" "$scale_key"; do
		[ -n "$(get "$kk" cs)" ] || continue
		awk -v n="${kk%%|*}" -v l="$(label "$(get "$kk" rows)")" -v rows="$(get "$kk" rows)" -v bytes="$(get "$kk" bytes)" \
			-v cs="$(get "$kk" cs)" -v csp="$(get "$kk" csp)" -v crss="$(get "$kk" crss)" \
			'BEGIN { printf "%-27s %4s %6.0f | %9.3f %4s %8.1f %6s\n", n, l, bytes / 1e6, cs, csp, 1e9 * cs / rows, crss }'
	done
fi

check() { # check DESCRIPTION VALUE OP LIMIT
	awk -v d="$1" -v v="$2" -v op="$3" -v lim="$4" 'BEGIN {
		if (v == "" || v == "n/a" || v == "inf" || v == "nan" || v == "-nan") { printf "  %-72s %8s\n", d, "n/a"; exit }
		ok = (op == ">=") ? v + 0 >= lim + 0 : v + 0 <= lim + 0
		printf "  %-72s %8.2f %s %-5s %s\n", d, v, op, lim, ok ? "met" : "NOT MET"
	}'
}
echo
echo "Targets (issue 18), at $ll rows:"
for f in legacy-parquet cur2-parquet duckdb-parquet; do
	for q in "${queries[@]}"; do
		k="$f-$ll|$q"
		check "$f --by $q: DuckDB in-query / curnorm" "$(ratio "$(get "$k" dq)" "$(get "$k" cs)")" ">=" 1.5
		check "$f --by $q: DuckDB process / curnorm" "$([ -n "$(get "$k" cs)" ] && duck_ratio "$k")" ">=" 1.5
	done
done
for q in "${queries[@]}"; do
	k="legacy-csv-gz-$ll|$q"
	check "legacy-csv-gz (one file) --by $q: DuckDB in-query / curnorm" "$(ratio "$(get "$k" dq)" "$(get "$k" cs)")" ">=" 1.3
	check "legacy-csv-gz (one file) --by $q: DuckDB process / curnorm" "$([ -n "$(get "$k" cs)" ] && duck_ratio "$k")" ">=" 1.3
done
if [ "$filter_rows" -gt 0 ]; then
	whole="clustered-parquet-$frl|service"
	check "clustered-parquet-$frl --by service: --filter account=ID / whole, curnorm" \
		"$(ratio "$(get "$whole+account=${acct:-}" cs)" "$(get "$whole" cs)")" "<=" 0.2
fi
if [ -n "$scale" ]; then
	check "$scale_flavour: time per row, $sl / $ll" \
		"$(ratio "$(ratio "$(get "$scale_key" cs)" "$scale")" "$(ratio "$(get "$ref" cs)" "$largest")")" "<=" 1.1
	check "$scale_flavour: peak RSS, $sl / $ll" "$(ratio "$(get "$scale_key" crss)" "$(get "$ref" crss)")" "<=" 1.1
else
	echo "  scale (time per row and peak RSS of a 50M-row bill within 10% of $ll): run with SCALE=50000000"
fi
