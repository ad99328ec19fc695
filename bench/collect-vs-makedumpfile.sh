#!/usr/bin/env bash
# Runs Debian's makedumpfile and `jkdump collect` on the same full guest dump, in one run,
# for -c -d 1, -l -d 1, -c -d 0 and -c -d 31, and prints per case the wall-time ratio
# (jkdump / makedumpfile), the CPU-time ratio (user + system; steadier than wall time on a
# shared host), the output-size ratio and both peak RSS values (/usr/bin/time -v).
# Goals: time <= 0.5x, size <= 1.0x, jkdump peak RSS <= 160 MiB, for 1 GiB and 4 GiB dumps.
#
#   bench/collect-vs-makedumpfile.sh [--dump FILE] [--threads N] [--work DIR]
#
# Without --dump it uses (or makes, with ../shared/vm's bench mode, ~3 min under TCG) the raw
# /proc/vmcore copy of a 4 GiB memory-filled guest: $JKDUMP_VM_CACHE/runs/bench4g/vmcore.full.elf.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
vm=${JKDUMP_SHARED:-$here/../shared}/vm
cache=${JKDUMP_VM_CACHE:-/var/cache/jkdump-vm}
dump="" threads=2 work=${TMPDIR:-/tmp}/jkdump-collect-bench
while [[ $# -gt 0 ]]; do
  case $1 in
    --dump) dump=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v makedumpfile >/dev/null || apt-get install -y makedumpfile >/dev/null
[[ -x /usr/bin/time ]] || apt-get install -y time >/dev/null
if [[ -z "$dump" ]]; then
  dump=$cache/runs/bench4g/vmcore.full.elf
  if [[ ! -f "$dump" ]]; then
    while pgrep -x qemu-system-x86_64 >/dev/null; do echo "waiting for another VM to finish" >&2; sleep 15; done
    "$vm/run-crash-vm.sh" --bench --mem 4G --out "$cache/runs/bench4g" >&2
  fi
fi
mkdir -p "$work"
# A small heap (the pipeline holds a few MiB; bitmaps take 1 bit a frame) and the launcher's
# C1-only JIT: the hot loops are native (zlib, liblzo2) or memory-bound, and C2 saved at most 7 %
# CPU on -c, cost CPU on -l and -d 31 (docs/BENCHMARKS.md).
export JKDUMP_JAVA_OPTS=${JKDUMP_JAVA_OPTS:--Xmx32m -XX:-UsePerfData}
"$here/bin/jkdump" --version >/dev/null   # build the jar before timing anything
# an untimed collect first: the launcher records the command's AOT cache on its first run
"$here/bin/jkdump" collect -c -d 31 --message-level 0 "$dump" "$work/warm-up" >/dev/null && rm -f "$work/warm-up"

measure() { # OUT_PREFIX CMD... -> prints "wall rss_kb cpu_s"
  local prefix=$1; shift
  sync   # the previous run's gigabyte of dirty pages is written back now, not during this run
  /usr/bin/time -v -o "$prefix.time" "$@" > "$prefix.log" 2>&1 || { echo "FAILED: $*" >&2; cat "$prefix.log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$prefix.time")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$prefix.time")
  cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$prefix.time")
  echo "$wall $rss $cpu"
}

echo "dump: $dump ($(du -h --apparent-size "$dump" | cut -f1)), host: $(nproc) CPUs, $(date -u +%Y-%m-%d), jkdump --num-threads $threads"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %8s %8s %7s %8s %8s %6s %12s %12s %7s %8s %8s\n' case mdf_s jk_s time_x mdf_cpu jk_cpu cpu_x mdf_bytes jk_bytes size_x mdf_MiB jk_MiB
for c in "-c -d 1" "-l -d 1" "-c -d 0" "-c -d 31"; do
  tag=$(echo "$c" | tr -d ' -')
  rm -f "$work/mdf.$tag" "$work/jk.$tag"
  read -r mw mr mc < <(measure "$work/mdf-$tag" makedumpfile $c "$dump" "$work/mdf.$tag")
  read -r jw jr jc < <(measure "$work/jk-$tag" "$here/bin/jkdump" collect $c --num-threads "$threads" --message-level 0 "$dump" "$work/jk.$tag")
  ms=$(stat -c %s "$work/mdf.$tag"); js=$(stat -c %s "$work/jk.$tag")
  awk -v c="$c" -v mw="$mw" -v jw="$jw" -v mc="$mc" -v jc="$jc" -v ms="$ms" -v js="$js" -v mr="$mr" -v jr="$jr" 'BEGIN{
    printf "%-10s %8.2f %8.2f %7.2f %8.2f %8.2f %6.2f %12d %12d %7.4f %8.1f %8.1f\n", c, mw, jw, jw/mw, mc, jc, jc/mc, ms, js, js/ms, mr/1024, jr/1024 }'
  rm -f "$work/mdf.$tag" "$work/jk.$tag"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
