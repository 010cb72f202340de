#!/usr/bin/env bash
# The figures of docs/scale.md: how fast one machine rolls a bill up (rows/s, GB of files as
# stored per minute), and what the merge step of a fan-out costs. Bills come from
# `curnorm sample` into .cache/scale (kept between runs); each figure is the median of RUNS
# runs (default 5) of a command whose output goes to /dev/null: wall time, and CPU time (user
# + system), which other work on a shared machine disturbs less. The load average before the
# runs is printed with the figures.
#
#   scripts/measure-scale.sh             # legacy CSV.gz 2M rows and CUR 2.0 Parquet 5M rows
#   RUNS=9 scripts/measure-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CACHE=.cache/scale
mkdir -p "$CACHE"
go build -trimpath -o "$CACHE/curnorm" ./cmd/curnorm
CN=$CACHE/curnorm

gen() { # name flavour rows parts [--gzip]
	local dir=$CACHE/$1
	[ -f "$dir/.done" ] && return
	rm -rf "$dir"
	"$CN" sample -q --flavour "$2" --rows "$3" --parts "$4" ${5:-} -o "$dir" >/dev/null
	touch "$dir/.done"
}
gen legacy-csv-gz-2M legacy-csv 2000000 8 --gzip
gen cur2-parquet-5M cur2-parquet 5000000 8

# median of RUNS runs of "$@": "wall-seconds cpu-seconds"
median() {
	local walls=() cpus=() t
	for _ in $(seq "$RUNS"); do
		t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
		walls+=("$(echo "$t" | awk '{print $1}')")
		cpus+=("$(echo "$t" | awk '{print $2 + $3}')")
	done
	local mid='{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'
	echo "$(printf '%s\n' "${walls[@]}" | sort -g | awk "$mid") $(printf '%s\n' "${cpus[@]}" | sort -g | awk "$mid")"
}

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(go version | cut -d' ' -f3); median of $RUNS runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows/s and GB/min (of the files as stored) by wall time; cpu s is user + system time"
printf '%-18s %-42s %5s %6s %7s %7s %9s %7s\n' bill command rows MB wall-s cpu-s rows/s GB/min
for bill in legacy-csv-gz-2M cur2-parquet-5M; do
	dir=$CACHE/$bill
	rows=${bill##*-}
	rows=$(( ${rows%M} * 1000000 ))
	bytes=$(du -cb "$dir"/curnorm-sample-* | tail -1 | cut -f1)
	one=$(ls "$dir"/curnorm-sample-* | head -1)
	onebytes=$(stat -c %s "$one")
	row() { # label rows bytes "wall cpu"
		awk -v l="$1" -v b="$bill" -v r="$2" -v by="$3" -v t="$4" 'BEGIN { split(t, x, " "); s = x[1];
			printf "%-18s %-42s %5s %6.0f %7.2f %7.2f %9.0f %7.2f\n", b, l, (r>=1e6? r/1e6 "M" : r/1e3 "k"), by/1e6, s, x[2], r/s, by/1e9/(s/60) }'
	}
	s=$(median "$CN" report -q --format json --by account,service "$dir")
	row "report --by account,service BILL/" "$rows" "$bytes" "$s"
	s=$(median "$CN" report -q --format json --by account,service,resource "$dir")
	row "report --by account,service,resource BILL/" "$rows" "$bytes" "$s"
	s=$(median "$CN" report -q --format json --by account,service --jobs 1 "$one")
	row "report --by account,service --jobs 1 FILE" $((rows / 8)) "$onebytes" "$s"
	# The reduce step: the 8 per-file parts merged.
	for by in account,service account,service,resource; do
		parts=$CACHE/parts-$bill-${by//,/-}
		if [ ! -f "$parts/.done" ]; then
			rm -rf "$parts" && mkdir -p "$parts"
			for f in "$dir"/curnorm-sample-*; do
				"$CN" report -q --format json --by "$by" "$f" >"$parts/$(basename "$f").json"
			done
			touch "$parts/.done"
		fi
		groups=$("$CN" merge -q --format csv "$parts"/*.json | wc -l)
		s=$(median "$CN" merge -q --format json "$parts"/*.json)
		printf '%-18s %-42s %5s %6.1f %7.2f %7.2f  %d groups\n' "$bill" "merge 8 parts --by $by" - \
			"$(du -cb "$parts"/*.json | tail -1 | cut -f1 | awk '{print $1/1e6}')" $s "$((groups - 1))"
	done
done
