#!/usr/bin/env bash
# Benchmarks Apply on MariaDB/MySQL: cases.Service.Act of a cheap action
# (`record` on an in_service case, version tracked — read the case, Apply,
# one transaction with the versioned update, the timeline event and the
# audit record) against a bare single-row INSERT through the same GORM
# handle, and prints Apply as a ratio to that insert.
#
#   TEST_MYSQL_DSN='sunshine:sunshine@tcp(127.0.0.1:3306)/sunshine_test' bench/apply.sh
#
# Each round runs both benchmarks back to back (so a busy machine slows
# both alike) and gives one ratio; the script prints every round and the
# medians. BENCHTIME (default 3s), COUNT (rounds, default 5) and CPU
# (GOMAXPROCS, e.g. 2) tune the run. The DSN user must be allowed to create
# databases named <dbname>_* (each benchmark gets a fresh one).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${TEST_MYSQL_DSN:?set TEST_MYSQL_DSN, e.g. sunshine:sunshine@tcp(127.0.0.1:3306)/sunshine_test}"
export TEST_MYSQL_DSN

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/cases.test" ./app/cases

args=(-test.run '^$' -test.bench 'Apply|BareInsert' -test.benchtime="${BENCHTIME:-3s}" -test.benchmem)
if [[ -n "${CPU:-}" ]]; then
	args+=(-test.cpu "$CPU")
fi

for ((i = 1; i <= ${COUNT:-5}; i++)); do
	(cd app/cases && "$tmp/cases.test" "${args[@]}") | grep -E '^(Benchmark|--- SKIP|--- FAIL|FAIL|\s)' || true
done | tee "$tmp/out"

awk '
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	$1 ~ /^BenchmarkApply(-[0-9]+)?$/      { apply[++na] = $3 }
	$1 ~ /^BenchmarkBareInsert(-[0-9]+)?$/ { insert[++ni] = $3; if (ni <= na) ratio[ni] = apply[ni] / $3 }
	END {
		if (na == 0 || ni == 0 || na != ni) { print "apply.sh: the benchmarks did not run (skipped or failed?)" > "/dev/stderr"; exit 1 }
		printf "\nround ratios:"
		for (i = 1; i <= na; i++) printf " %.2f", ratio[i]
		printf "\nApply %.0f ns/op, bare insert %.0f ns/op (medians of %d rounds); Apply = %.2f x bare insert (median ratio)\n",
			median(apply, na), median(insert, ni), na, median(ratio, na)
	}' "$tmp/out"
