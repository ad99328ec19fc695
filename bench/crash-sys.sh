#!/usr/bin/env bash
# Time to the first `sys` output: jkdump crash against crash 8.0.6 on the same dump, in one
# run, printing the ratio (goal: jkdump <= 0.2 of crash's time).
#
#   bench/crash-sys.sh [--runs N] [DUMP]
#
# DUMP defaults to ../shared/fixtures/kdump-sysrq/vmcore.kdump-zlib. crash gets the debug
# vmlinux (fetch_debug_vmlinux, ~860 MB download the first time) and crash 8.0.6 (crash_bin)
# from ../shared/vm/lib.sh; jkdump gets nothing but the dump. Each tool runs N times
# (default 3) after one untimed warm-up run (page cache, jar build); the median counts.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=/dev/null
source "$here/../shared/vm/lib.sh"

runs=3
while [[ $# -gt 0 ]]; do
	case $1 in
		--runs) runs=$2; shift 2 ;;
		-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
		*) break ;;
	esac
done
dump=${1:-$here/../shared/fixtures/kdump-sysrq/vmcore.kdump-zlib}
[[ -r "$dump" ]] || die "cannot read dump $dump"
kver=6.1.0-56-amd64
vmlinux=$(fetch_debug_vmlinux "$kver")
crash=$(crash_bin)
jkdump="$here/bin/jkdump"

# seconds, with the output's first line checked so a failing tool cannot look fast
time_one() { # NAME CMD...
	local name=$1 t0 t1 out; shift
	t0=$(date +%s.%N)
	out=$("$@" 2>/dev/null) || true
	t1=$(date +%s.%N)
	grep -q 'RELEASE: ' <<<"$out" || die "$name printed no sys output"
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}'
}
median() { tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

run_crash() { echo sys | "$crash" -s "$vmlinux" "$dump"; }
run_jkdump() { "$jkdump" crash "$dump" -c sys; }

time_one crash run_crash >/dev/null
time_one jkdump run_jkdump >/dev/null
c=() j=()
for ((i = 0; i < runs; i++)); do
	c+=("$(time_one crash run_crash)")
	j+=("$(time_one jkdump run_jkdump)")
done
cm=$(echo "${c[*]}" | median)
jm=$(echo "${j[*]}" | median)
echo "dump:   $dump"
echo "crash:  ${c[*]} s (median $cm s; crash 8.0.6 with the debug vmlinux)"
echo "jkdump: ${j[*]} s (median $jm s; the dump alone)"
awk -v j="$jm" -v c="$cm" 'BEGIN{r=j/c; printf "ratio jkdump/crash: %.3f (goal <= 0.2: %s)\n", r, r <= 0.2 ? "met" : "NOT met"}'
