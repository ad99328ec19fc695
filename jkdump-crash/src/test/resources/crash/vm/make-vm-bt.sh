#!/usr/bin/env bash
# Regenerates <run>-bt.txt: crash 8.0.6's bt, bt -a, foreach bt and mod on the ../shared/vm
# runs in /var/cache/jkdump-vm/runs (made by make-runs.sh / run-crash-vm.sh), with the
# kernel's debug vmlinux (fetched into the cache when missing), in crash.txt's
# "### CMD:" format. The "### RUN:" line names the run's KERNELOFFSET and CRASHTIME, so a
# test can tell a transcript from a run that has since been made again.
#   make-vm-bt.sh [RUN...]     (default: every run below)
# RUN is a run name (its vmcore.kdump-lzo) or RUN/FILE for another dump of the run
# (k612-full/vmcore.full.elf: the raw copy, which keeps the slab pages makedumpfile 1.7.2
# drops on 6.12); the transcript is then RUN-FILE-bt.txt.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../../../../../.." && pwd)
source "$root/../shared/vm/lib.sh"
runs_dir="$JK_CACHE/runs"
(($#)) || set -- sysrq2 la57 bug panic k612 k612-oops k612-full/vmcore.full.elf
crash=$(crash_bin)
for arg in "$@"; do
	run=${arg%%/*}
	file=vmcore.kdump-lzo out=$run-bt.txt
	if [[ "$arg" == */* ]]; then file=${arg#*/} out=$run-$file-bt.txt; fi
	dump="$runs_dir/$run/$file"
	[[ -f "$dump" ]] || die "no $dump: make the run first (run-crash-vm.sh)"
	kver=$(grep -a -m1 '^OSRELEASE=' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	offset=$(grep -a -m1 -E '^KERNELOFFSET=[0-9a-f]+$' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	time=$(grep -a -m1 -E '^CRASHTIME=[0-9]+$' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	vmlinux=$(fetch_debug_vmlinux "$kver")
	log "crash on $run ($kver)"
	{
		echo "### crash $("$crash" --version 2>&1 | grep -m1 -o '[0-9][0-9.]*[0-9]') on runs/$run/$file with vmlinux-$kver (make-vm-bt.sh)"
		echo "### RUN: $run KERNELOFFSET=$offset CRASHTIME=$time"
		# crash's exit status after "q" is not an error report: its output is the result
		"$crash" -s "$vmlinux" "$dump" < <(for c in "bt" "bt -a" "foreach bt" "mod"; do echo "!echo '### CMD: $c'"; echo "$c"; done; echo q) 2>&1 || true
	} > "$here/$out"
done
