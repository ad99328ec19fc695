#!/usr/bin/env bash
# The damaged-dump campaign: damages the real fixtures (truncation, bit flips, hostile header
# fields, page descriptors, notes, VMCOREINFO values, kernel data such as kallsyms, BTF, the
# printk ring and the task list) and runs info, info --json, dmesg, analyze, crash -c '...'
# and collect -l -d 31 on each mutant; then wrong options, non-dump files and unwritable or
# full output locations. Every run must end with status 0 or 1 (2 for a usage error), one
# "jkdump: FILE: ..." line on failure, no stack trace, no OutOfMemoryError, within the time
# bound. Prints each failure and a summary; failures.txt in the work directory keeps details.
#
#   bench/fuzz-inputs.sh [--count N] [--seed S] [--start I] [--commands info,dmesg,...]
#                        [--cli] [--options] [--timeout S]
#
# --cli runs bin/jkdump (a JVM per run, -Xmx256m) instead of Main in one JVM (-Xmx256m too);
# --options runs the wrong-option and bad-file cases (as root it mounts a 2 MiB tmpfs at
# /mnt/jkdump-fuzz-full for the full-disk cases and unmounts it afterwards).
# Mutant I of seed S is always the same file. Environment: JKDUMP_FIXTURES (default
# ../shared/fixtures), FUZZ_WORK (default /dev/shm/jkdump-fuzz).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
fixtures=${JKDUMP_FIXTURES:-$here/../shared/fixtures}
work=${FUZZ_WORK:-/dev/shm/jkdump-fuzz}
count=100 seed=1 start=0 commands="" cli="" options="" timeout=20
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --start) start=$2; shift 2 ;;
    --commands) commands=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --cli) cli=1; shift ;;
    --options) options=1; shift ;;
    *) echo "usage: $0 [--count N] [--seed S] [--start I] [--commands LIST] [--cli] [--options] [--timeout S]" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"

# The jar (bin/jkdump rebuilds it when sources changed), then the campaign's classes against it.
"$here/bin/jkdump" --version >/dev/null
jar=$here/jkdump-cli/target/jkdump.jar
classes=$work/classes
rm -rf "$classes"
"$JAVA_HOME/bin/javac" -nowarn -d "$classes" -cp "$jar" $(ls "$here"/jkdump-cli/src/test/java/org/jkdump/cli/fuzz/*.java | grep -v Test.java)
java=("$JAVA_HOME/bin/java" -Xmx256m --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
      -XX:+UseSerialGC -cp "$classes:$jar" org.jkdump.cli.fuzz.FuzzCampaign --fixtures "$fixtures" --work "$work"
      --timeout "$timeout")
[ -n "$cli" ] && java+=(--cli "$here/bin/jkdump")

if [ -n "$options" ]; then
  full=/mnt/jkdump-fuzz-full
  if [ "$(id -u)" = 0 ] && mkdir -p "$full" && mount -t tmpfs -o size=2m tmpfs "$full" 2>/dev/null; then
    trap 'umount "$full" 2>/dev/null; rmdir "$full" 2>/dev/null || true' EXIT
    java+=(--full-dir "$full")
  else
    echo "(not root or no mount: the full-disk cases are left out)"
  fi
  rc=0; "${java[@]}" --options </dev/null || rc=$?
  exit $rc
fi

# The ELF fixture is stored xz-compressed: unpack it once (or reuse the build tree's copy).
elf=$here/target/fixtures/kdump-sysrq/vmcore.elf
if [ ! -f "$elf" ] || [ "$(stat -c %s "$elf")" != 120227364 ]; then
  elf=$work/vmcore.elf
  if [ ! -f "$elf" ] || [ "$(stat -c %s "$elf")" != 120227364 ]; then
    xz -dc "$fixtures/kdump-sysrq/vmcore.elf.xz" > "$elf.part" && mv "$elf.part" "$elf"
  fi
fi
java+=(--elf "$elf" --seed "$seed")
[ -n "$commands" ] && java+=(--commands "$commands")
: > "$work/failures.txt"
: > "$work/messages.txt"

# A hung run ends its JVM with status 3 (a stuck thread cannot be stopped): resume after it.
end=$((start + count)) rc=0 hangs=0
while [ "$start" -lt "$end" ]; do
  set +e
  "${java[@]}" --start "$start" --count $((end - start)) </dev/null | tee "$work/run.out"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 3 ] || break
  hangs=$((hangs + 1))
  start=$(sed -n 's/.*resume with --start \([0-9]*\).*/\1/p' "$work/run.out" | tail -1)
done
echo "ALL: $(grep -c '^FAIL' "$work/failures.txt") failed runs, $hangs hangs; details in $work/failures.txt"
grep '^FAIL' "$work/failures.txt" | awk -F' [|] ' '{print $2}' | sort | uniq -c | sed 's/^/  by command: /' || true
grep '^FAIL' "$work/failures.txt" | awk -F' [|] ' '{print $4}' | tr ';' '\n' | sed 's/^ *//' | sort | uniq -c | sed 's/^/  by class: /' || true
echo "the failure messages, by kind (numbers left out; all of them in $work/messages.txt):"
sed -E 's/0x[0-9a-f]+/N/g; s/[0-9]+/N/g' "$work/messages.txt" | sort | uniq -c | sort -rn | head -25 | cut -c1-220
[ "$hangs" -gt 0 ] && rc=1
exit $rc
