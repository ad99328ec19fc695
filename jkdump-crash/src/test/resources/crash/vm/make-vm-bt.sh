#!/usr/bin/env bash
# Regenerates <run>-bt.txt: crash 8.0.6's bt, bt -a, foreach bt, mod, bt -f and bt -a -f on the ../shared/vm
# runs in /var/cache/jkdump-vm/runs (made by make-runs.sh / run-crash-vm.sh), with the
# kernel's debug vmlinux (fetched into the cache when missing), in crash.txt's
# "### CMD:" format. The "### RUN:" line names the run's KERNELOFFSET and CRASHTIME, so a
# test can tell a transcript from a run that has since been made again.
#   make-vm-bt.sh [--out DIR] [RUN...]     (default: every run below, into this directory)
# The runs are those of ${JKDUMP_VM_CACHE:-/var/cache/jkdump-vm} (lib.sh's cache). BtVmTest
# runs it with --out target/crash-vm for a run made again since the stored transcript.
# RUN is a run name (its vmcore.kdump-lzo) or RUN/FILE for another dump of the run
# (k612-full/vmcore.full.elf: the raw copy, which keeps the slab pages makedumpfile 1.7.2
# drops on 6.12); the transcript is then RUN-FILE-bt.txt.
set -euo pipefail
# lib.sh's fetchers run inside $(...): a failed download must stop them there, not leave a
# half-made crash or vmlinux in the cache
shopt -s inherit_errexit
trap 'rc=$?; ((rc == 0)) || echo "make-vm-bt.sh: FAILED (exit $rc): no crash transcript; crash 8.0.6 (Debian trixie) or the debug vmlinux could not be had, or crash failed: see above" >&2' EXIT
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
source "$here/vm-dumps.sh"
out_dir=$here
if [[ "${1:-}" == --out ]]; then out_dir=$(cd "$2" && pwd); shift 2; fi
(($#)) || set -- sysrq2 la57 bug panic k612 k612-oops k612-full/vmcore.full.elf k612-kexecs smp4 k612-la57 maxcpus \
	maxcpus/vmcore.full.elf kexecs-full/vmcore.full.elf la57-kaslr k612-5g la57-full/vmcore.full.elf \
	k612-smp1/vmcore.full.elf k612-kexecs-full/vmcore.full.elf k612-la57-bug/vmcore.full.elf \
	k612-la57-qmp/qmp/qemu-dump.elf k612-la57-qmp/qmp/qemu-dump.kdump-zlib
for arg in "$@"; do
	vm_dump "$arg" bt
	log "crash on $run ($kver)"
	{
		echo "### crash $crash_version on runs/$run/$file with vmlinux-$kver (make-vm-bt.sh)"
		echo "### RUN: $run KERNELOFFSET=$offset CRASHTIME=$time"
		# crash's exit status after "q" is not an error report: its output is the result
		"$crash" -s "$vmlinux" "$dump" < <(for c in "bt" "bt -a" "foreach bt" "mod" "bt -f" "bt -a -f"; do echo "!echo '### CMD: $c'"; echo "$c"; done; echo q) 2>&1 || true
	} > "$out_dir/$out.part"
	grep -q '^### CMD: bt -a -f' "$out_dir/$out.part" || { head -30 "$out_dir/$out.part" >&2; die "crash printed no transcript for $dump"; }
	mv "$out_dir/$out.part" "$out_dir/$out"
	log "wrote $out_dir/$out"
done
