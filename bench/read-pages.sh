#!/usr/bin/env bash
# bench/read-pages.sh [DUMP] — how fast jkdump reads a kdump-compressed dump, beside makedumpfile
# reading the same file, measured in the same run.
#
#   jkdump:       `jkdump info --read-all DUMP` decodes every present page once, in frame order,
#                 and reports its own time for that loop (in-process, JVM start excluded); the
#                 command's wall time (JVM start, headers, describe) is printed beside it.
#   makedumpfile: `makedumpfile -d LEVEL DUMP OUT` re-filters the file at its own dump level
#                 into an uncompressed kdump file: it decodes every present page and writes it
#                 out raw (makedumpfile 1.7.2 refuses -E on a kdump-compressed input). Its wall
#                 time includes writing ~MB-sized output to $TMPDIR and reading mem_map again.
#
# MB/s = present pages x page size / seconds (1 MB = 10^6 bytes), the same byte count for both.
# RUNS (default 5) repetitions; the summary takes each tool's best run. Results go to
# docs/BENCHMARKS.md by hand, with the machine and the date.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
dump=${1:-$here/../shared/fixtures/kdump-sysrq/vmcore.kdump-zlib}
runs=${RUNS:-5}
[ -f "$dump" ] || { echo "read-pages: no dump at $dump" >&2; exit 1; }
mdf=$(command -v makedumpfile || true)
[ -n "$mdf" ] || { echo "read-pages: needs makedumpfile (apt-get install makedumpfile)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "read-pages: needs python3 to read jkdump's JSON" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/bin/jkdump" --version >/dev/null   # builds the jar first if the sources changed

now() { date +%s.%N; }
field() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval('d' + sys.argv[1]))" "$2"; }

"$here/bin/jkdump" info --json "$dump" > "$tmp/info.json"
level=$(field "$tmp/info.json" "['dump']['dumpLevel']")
case "$level" in ''|None) level=31 ;; esac

echo "dump:         $dump ($(stat -c %s "$dump") bytes, dump level $level)"
echo "jkdump:       $("$here/bin/jkdump" --version | head -1) ${JKDUMP_JAVA_OPTS:+(JKDUMP_JAVA_OPTS=$JKDUMP_JAVA_OPTS)}"
echo "makedumpfile: $("$mdf" -v 2>&1 | head -1)"
echo "machine:      $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '\n%-4s %12s %10s %12s %14s %10s\n' run "jkdump s" "jkdump MB/s" "jkdump wall" "makedumpfile s" "mdf MB/s"

best_j=999999 best_jw=999999 best_m=999999
for i in $(seq "$runs"); do
  t0=$(now)
  "$here/bin/jkdump" info --read-all --json "$dump" > "$tmp/read.json"
  t1=$(now)
  rm -f "$tmp/out"
  t2=$(now)
  "$mdf" -d "$level" "$dump" "$tmp/out" > "$tmp/mdf.log" 2>&1 || { cat "$tmp/mdf.log" >&2; exit 1; }
  t3=$(now)
  bytes=$(field "$tmp/read.json" "['readAll']['bytes']")
  js=$(field "$tmp/read.json" "['readAll']['seconds']")
  jw=$(echo "$t1 - $t0" | bc -l)
  ms=$(echo "$t3 - $t2" | bc -l)
  printf '%-4s %12.3f %10.1f %12.3f %14.3f %10.1f\n' "$i" "$js" "$(echo "$bytes / $js / 1000000" | bc -l)" \
    "$jw" "$ms" "$(echo "$bytes / $ms / 1000000" | bc -l)"
  best_j=$(echo "if ($js < $best_j) $js else $best_j" | bc -l)
  best_jw=$(echo "if ($jw < $best_jw) $jw else $best_jw" | bc -l)
  best_m=$(echo "if ($ms < $best_m) $ms else $best_m" | bc -l)
done

pages=$(field "$tmp/read.json" "['readAll']['pages']")
echo
echo "present pages: $pages ($bytes bytes)"
printf 'best of %d:   jkdump %.1f MB/s (read loop %.3f s; whole command %.3f s), makedumpfile %.1f MB/s (%.3f s)\n' "$runs" \
  "$(echo "$bytes / $best_j / 1000000" | bc -l)" "$best_j" "$best_jw" "$(echo "$bytes / $best_m / 1000000" | bc -l)" "$best_m"
printf 'ratio:        jkdump read loop / makedumpfile = %.2fx; jkdump whole command / makedumpfile = %.2fx (>1: jkdump faster)\n' \
  "$(echo "$best_m / $best_j" | bc -l)" "$(echo "$best_m / $best_jw" | bc -l)"
