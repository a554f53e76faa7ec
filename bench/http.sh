#!/usr/bin/env bash
# Benchmarks the mini-program API over HTTP (SPEC §6): the authenticated
# case-detail read (GET /api/mp/v1/cases/{id}) and the case submit
# (POST /api/mp/v1/cases with a fresh Idempotency-Key) on the real service,
# built in-process on MariaDB/MySQL and Redis and driven by a net/http
# client over loopback, against a floor: a bare Fiber app whose one handler
# does one Redis GET and one single-row SELECT through the same database.
# Prints detail and submit as ratios to that floor.
#
#   TEST_MYSQL_DSN='sunshine:sunshine@tcp(127.0.0.1:3306)/sunshine_test' \
#   TEST_REDIS_URL='redis://127.0.0.1:6379/0' bench/http.sh
#
# Each round is one run of the test binary (compiled once): a fresh
# database, the service started, the three benchmarks back to back (so a
# busy machine slows all three alike), one ratio each; the script prints
# every round and the medians. Every benchmark keeps 8 requests in flight.
# BENCHTIME (default 3s), COUNT (rounds, default 5) and CPU (GOMAXPROCS,
# e.g. 2) tune the run. The DSN user must be allowed to create databases
# named <dbname>_*. BENCH_SQLITE=1 runs on SQLite (and, without
# TEST_REDIS_URL, the in-process Redis) instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${BENCH_SQLITE:-}" != 1 ]]; then
	: "${TEST_MYSQL_DSN:?set TEST_MYSQL_DSN, e.g. sunshine:sunshine@tcp(127.0.0.1:3306)/sunshine_test}"
	: "${TEST_REDIS_URL:?set TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/0}"
	export TEST_MYSQL_DSN TEST_REDIS_URL
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/sunshine.test" ./cmd/sunshine

args=(-test.run '^$' -test.bench '^BenchmarkHTTP(Floor|CaseDetail|CaseSubmit)$' -test.benchtime="${BENCHTIME:-3s}" -test.benchmem)
if [[ -n "${CPU:-}" ]]; then
	args+=(-test.cpu "$CPU")
fi

for ((i = 1; i <= ${COUNT:-5}; i++)); do
	(cd cmd/sunshine && "$tmp/sunshine.test" "${args[@]}") | grep -E '^(Benchmark|--- SKIP|--- FAIL|FAIL|\s)' || true
done | tee "$tmp/out"

awk '
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	function allocs(    i) { for (i = 4; i < NF; i++) if ($(i+1) == "allocs/op") return $i; return 0 }
	$1 ~ /^BenchmarkHTTPFloor(-[0-9]+)?$/      { floor[++nf] = $3; fa[nf] = allocs() }
	$1 ~ /^BenchmarkHTTPCaseDetail(-[0-9]+)?$/ { detail[++nd] = $3; da[nd] = allocs() }
	$1 ~ /^BenchmarkHTTPCaseSubmit(-[0-9]+)?$/ { submit[++ns] = $3; sa[ns] = allocs() }
	END {
		if (nf == 0 || nf != nd || nf != ns) { print "http.sh: the benchmarks did not run (skipped or failed?)" > "/dev/stderr"; exit 1 }
		printf "\nround  detail/floor  submit/floor\n"
		for (i = 1; i <= nf; i++) {
			rd[i] = detail[i] / floor[i]; rs[i] = submit[i] / floor[i]
			printf "%5d  %12.2f  %12.2f\n", i, rd[i], rs[i]
		}
		printf "\nmedians of %d rounds:\n", nf
		printf "  floor   %10.0f ns/op  %6.0f allocs/op\n", median(floor, nf), median(fa, nf)
		printf "  detail  %10.0f ns/op  %6.0f allocs/op\n", median(detail, nf), median(da, nf)
		printf "  submit  %10.0f ns/op  %6.0f allocs/op\n", median(submit, nf), median(sa, nf)
		printf "case detail = %.2f x floor, case submit = %.2f x floor (median ratios)\n", median(rd, nf), median(rs, nf)
	}' "$tmp/out"
