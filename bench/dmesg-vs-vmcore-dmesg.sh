#!/usr/bin/env bash
# Wall time of `jkdump dmesg` against kexec-tools' vmcore-dmesg and `makedumpfile --dump-dmesg`
# on the same ELF dump, in one run, printing the ratios (goal: jkdump no slower than
# vmcore-dmesg). JVM start-up counts: bin/jkdump is timed as a user runs it.
#
#   bench/dmesg-vs-vmcore-dmesg.sh [--runs N] [ELF_DUMP]
#
# ELF_DUMP defaults to the kdump-sysrq fixture's ELF, unpacked from vmcore.elf.xz into
# target/fixtures/ (vmcore-dmesg reads ELF only). Installs kexec-tools and makedumpfile with
# apt-get when missing. One untimed warm-up run of each tool first (page cache, jar build, the
# launcher's AOT cache for dmesg); then N rounds (default 10), the tools interleaved; each
# tool's output is checked byte for byte against jkdump's so a failing tool cannot look fast.
# Prints medians of wall and CPU (user+sys) time; also bin/jkdump without its
# AOT cache (JKDUMP_CDS=off) and `java -jar` without the launcher (what the launcher's own JDK
# search and build check cost).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
die() { echo "dmesg-bench: $*" >&2; exit 1; }

runs=10
while [[ $# -gt 0 ]]; do
	case $1 in
		--runs) runs=$2; shift 2 ;;
		-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
		-*) die "unknown option $1" ;;
		*) break ;;
	esac
done
dump=${1:-}
if [[ -z "$dump" ]]; then
	dump=$here/target/fixtures/kdump-sysrq/vmcore.elf
	if [[ ! -s "$dump" || $(stat -c %s "$dump") != 120227364 ]]; then
		mkdir -p "$(dirname "$dump")"
		xz -dc "$here/../shared/fixtures/kdump-sysrq/vmcore.elf.xz" > "$dump.part" && mv "$dump.part" "$dump"
	fi
fi
[[ -r "$dump" ]] || die "cannot read $dump"
need=()
command -v vmcore-dmesg >/dev/null || need+=(kexec-tools)
command -v makedumpfile >/dev/null || need+=(makedumpfile)
if ((${#need[@]})); then apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"; fi
vmcore_dmesg=$(command -v vmcore-dmesg)
jkdump=$here/bin/jkdump
jar=$here/jkdump-cli/target/jkdump.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_vmcore_dmesg() { "$vmcore_dmesg" "$dump" > "$work/vmcore-dmesg.txt"; }
run_makedumpfile() { rm -f "$work/makedumpfile.txt"; makedumpfile --dump-dmesg "$dump" "$work/makedumpfile.txt" > /dev/null 2>&1; }
run_jkdump() { "$jkdump" dmesg "$dump" > "$work/jkdump.txt"; }
run_jkdump_nocds() { JKDUMP_CDS=off "$jkdump" dmesg "$dump" > "$work/jkdump-nocds.txt"; }
run_jkdump_vd() { "$jkdump" dmesg --format vmcore-dmesg "$dump" > "$work/jkdump-vd.txt"; }
# the launcher's JVM and options without its JDK search and build check
java=${JAVA_HOME:+$JAVA_HOME/bin/java}
[[ -x "${java:-}" ]] || java=$(ls /usr/lib/jvm/temurin-2[5-9]*/bin/java /usr/lib/jvm/*-2[5-9]*/bin/java 2>/dev/null | head -1)
[[ -x "$java" ]] || die "no Java 25 found (set JAVA_HOME)"
run_java() { "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC \
	-XX:TieredStopAtLevel=1 -Xlog:aot=off -Xlog:cds=off "${cds[@]}" -jar "$jar" dmesg "$dump" > "$work/java.txt"; }

# warm-up: builds the jar if needed, creates the dmesg command's AOT cache, fills the page cache
run_jkdump; run_jkdump_vd; run_vmcore_dmesg; run_makedumpfile
cmp -s "$work/jkdump.txt" "$work/makedumpfile.txt" || die "jkdump dmesg differs from makedumpfile --dump-dmesg"
cmp -s "$work/jkdump-vd.txt" "$work/vmcore-dmesg.txt" || die "jkdump dmesg --format vmcore-dmesg differs from vmcore-dmesg"
cds=()
for a in "$here"/jkdump-cli/target/jkdump-dmesg-java*.aot "${JKDUMP_CACHE:-/var/cache/jkdump}"/aot/*-jkdump-dmesg-java*.aot; do
	[[ -f "$a" && "$a" -nt "$jar" ]] && { cds=(-XX:AOTCache="$a"); break; }
done
run_java
cmp -s "$work/java.txt" "$work/jkdump.txt" || die "java -jar output differs from bin/jkdump's"

# one timing: "wall cpu" in seconds, from bash's time (ms resolution, children included)
time_one() {
	local t
	TIMEFORMAT='%3R %3U %3S'
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1) || die "$1 failed"
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' <<<"$t"
}
median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

declare -A wall cpu
names=(vmcore-dmesg makedumpfile jkdump jkdump-no-aot java-jar)
for ((i = 0; i < runs; i++)); do
	for n in "${names[@]}"; do
		case $n in
			vmcore-dmesg) r=$(time_one run_vmcore_dmesg) ;;
			makedumpfile) r=$(time_one run_makedumpfile) ;;
			jkdump) r=$(time_one run_jkdump) ;;
			jkdump-no-aot) r=$(time_one run_jkdump_nocds) ;;
			java-jar) r=$(time_one run_java) ;;
		esac
		wall[$n]+="${r% *} "
		cpu[$n]+="${r#* } "
	done
done
med() { tr ' ' '\n' | grep . | median; }
echo "dump:   $dump ($(stat -c %s "$dump") bytes), $runs rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "host:   $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $("$java" -version 2>&1 | head -1)"
echo "cache:  ${cds[*]:-none}"
printf '%-14s %10s %10s\n' tool "wall(med)" "cpu(med)"
for n in "${names[@]}"; do
	printf '%-14s %9.3fs %9.3fs\n' "$n" "$(echo "${wall[$n]}" | med)" "$(echo "${cpu[$n]}" | med)"
done
vd=$(echo "${wall[vmcore-dmesg]}" | med); md=$(echo "${wall[makedumpfile]}" | med); jk=$(echo "${wall[jkdump]}" | med)
awk -v j="$jk" -v v="$vd" -v m="$md" 'BEGIN{
	printf "ratio jkdump/vmcore-dmesg: %.1f (goal <= 1: %s)\n", j / (v > 0.001 ? v : 0.001), j <= v ? "met" : "NOT met"
	printf "ratio jkdump/makedumpfile: %.1f\n", j / (m > 0.001 ? m : 0.001) }'
