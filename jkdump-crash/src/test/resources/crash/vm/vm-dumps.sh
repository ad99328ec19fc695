# shellcheck shell=bash
# Sourced by make-vm-bt.sh and make-vm-parity.sh (after their set -euo pipefail and
# inherit_errexit): ../shared/vm's lib.sh (cache paths, crash_bin, fetch_debug_vmlinux, log,
# die), the runs directory, crash 8.0.6 ready to run, and vm_dump.
vm_dumps_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
source "$(cd "$vm_dumps_dir/../../../../../.." && pwd)/../shared/vm/lib.sh"
runs_dir="$JK_CACHE/runs"
crash=$(crash_bin)
"$crash" --version >/dev/null 2>&1 || die "$crash does not run (a broken download? remove $JK_CACHE/crash-trixie to fetch it again)"
crash_version=$("$crash" --version 2>&1 | grep -m1 -o '[0-9][0-9.]*[0-9]')

# vm_dump ARG KIND: ARG is a run name (its vmcore.kdump-lzo) or RUN/FILE for another dump of
# the run. Sets run, file, dump, out (RUN-KIND.txt, or RUN-FILE-KIND.txt with FILE's slashes
# as dashes), kver, offset and time (from the run's vmcoreinfo.txt, so that a test can tell a
# transcript from a run made again since) and vmlinux (the debug vmlinux, fetched when missing).
vm_dump() {
	run=${1%%/*}
	file=vmcore.kdump-lzo out=$run-$2.txt
	if [[ "$1" == */* ]]; then file=${1#*/} out=$run-${file//\//-}-$2.txt; fi
	dump="$runs_dir/$run/$file"
	[[ -f "$dump" ]] || die "no $dump: make the run first (run-crash-vm.sh)"
	[[ -f "$runs_dir/$run/vmcoreinfo.txt" ]] || die "no $runs_dir/$run/vmcoreinfo.txt (run-crash-vm.sh writes it)"
	kver=$(grep -a -m1 '^OSRELEASE=' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	offset=$(grep -a -m1 -E '^KERNELOFFSET=[0-9a-f]+$' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	time=$(grep -a -m1 -E '^CRASHTIME=[0-9]+$' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	[[ -n "$kver" && -n "$time" ]] || die "$runs_dir/$run/vmcoreinfo.txt lacks OSRELEASE or CRASHTIME"
	vmlinux=$(fetch_debug_vmlinux "$kver")
	[[ -f "$vmlinux" ]] || die "no debug vmlinux for $kver"
}
