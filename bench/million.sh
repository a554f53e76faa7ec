#!/usr/bin/env bash
# Benchmarks the lists and the statistics on a database of one million cases
# (SPEC §6) against a floor — one primary-key lookup of a case — measured in
# the same run, and prints each as a ratio to that floor.
#
#   TEST_MYSQL_DSN='sunshine:sunshine@tcp(127.0.0.1:3306)/sunshine_test' bench/million.sh
#
# The first run generates the cases into <dbname>_million (about a minute)
# and keeps them for later runs. BENCHTIME (default 2s) tunes the run.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_MYSQL_DSN:?set TEST_MYSQL_DSN, e.g. sunshine:sunshine@tcp(127.0.0.1:3306)/sunshine_test}"
export TEST_MYSQL_DSN BENCH_MILLION=1

out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench 'Million' -benchtime="${BENCHTIME:-2s}" -timeout 30m ./app/cases | tee "$out"

awk '
	$1 ~ /^BenchmarkMillion/ { name = $1; sub(/^BenchmarkMillion/, "", name); sub(/-[0-9]+$/, "", name); ns[name] = $3; order[++n] = name }
	END {
		if (!("Floor" in ns)) { print "no floor measured"; exit 1 }
		printf "\n%-16s %14s %10s\n", "benchmark", "ns/op", "x floor"
		for (i = 1; i <= n; i++) printf "%-16s %14d %10.1f\n", order[i], ns[order[i]], ns[order[i]] / ns["Floor"]
	}' "$out"
