#!/usr/bin/env bash
# Regenerates <name>-parity.txt: crash 8.0.6's sys, set, ps, ps -p, mod, kmem -i, kmem -s, log,
# p init_uts_ns, task / files / vm / struct / vtop of the panic task and task / files / vm of
# the run's markerproc, on the
# ../shared/vm runs in /var/cache/jkdump-vm/runs (made by run-crash-vm.sh), with the kernel's
# debug vmlinux (fetched into the cache when missing), in crash.txt's "### CMD:" format.
#   make-vm-parity.sh [--out DIR] [ARG...]     (default: every dump below, into this directory)
# ARG is a run name (its vmcore.kdump-lzo) or RUN/FILE for another dump of the run
# (sysrq2/vmcore.full.elf, qmp/qmp/qemu-dump.elf: QEMU's dump-guest-memory); the transcript
# is then RUN-FILE-parity.txt with FILE's slashes as dashes. CrashParityVmTest runs it with
# --out target/crash-vm for a run made again since the stored transcript.
# Two crash sessions per dump: the first asks crash which task it takes as the panic task
# ("set"), the second runs the commands with that task's pid; the user process is the
# markerproc that the guest's init started (console.log: "JKDUMP: PROCESS markerproc pid=N").
# The "### RUN:" line names the run's KERNELOFFSET and CRASHTIME (its vmcoreinfo.txt), so a
# test can tell a transcript from a run that has since been made again; "### PIDS:" names
# the two tasks.
set -euo pipefail
# lib.sh's fetchers run inside $(...): a failed download must stop them there, not leave a
# half-made crash or vmlinux in the cache
shopt -s inherit_errexit
trap 'rc=$?; ((rc == 0)) || echo "make-vm-parity.sh: FAILED (exit $rc): no crash transcript; crash 8.0.6 (Debian trixie) or the debug vmlinux could not be had, or crash failed: see above" >&2' EXIT
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
source "$here/vm-dumps.sh"
out_dir=$here
if [[ "${1:-}" == --out ]]; then out_dir=$(cd "$2" && pwd); shift 2; fi
(($#)) || set -- sysrq2 sysrq2/vmcore.full.elf la57 bug panic k612 k612-full k612-full/vmcore.full.elf qmp \
	qmp/qmp/qemu-dump.elf qmp/qmp/qemu-dump.kdump-zlib bench4g k612-kexecs smp4 k612-la57 maxcpus \
	maxcpus/vmcore.full.elf kexecs-full/vmcore.full.elf la57-kaslr k612-5g la57-full/vmcore.full.elf \
	k612-smp1/vmcore.full.elf k612-kexecs-full/vmcore.full.elf k612-la57-bug/vmcore.full.elf \
	k612-la57-qmp/qmp/qemu-dump.elf k612-la57-qmp/qmp/qemu-dump.kdump-zlib
for arg in "$@"; do
	vm_dump "$arg" parity
	user=$(grep -a -m1 -o 'JKDUMP: PROCESS markerproc pid=[0-9]*' "$runs_dir/$run/console.log" | grep -o '[0-9]*$') ||
		die "$runs_dir/$run/console.log names no markerproc pid"
	log "crash on $run/$file ($kver): the panic task"
	# crash's exit status after "q" is not an error report: its output is the result
	context=$(printf 'set\nq\n' | "$crash" -s "$vmlinux" "$dump" 2>&1 || true)
	panic=$(grep -m1 -E '^ +PID: [0-9]+$' <<<"$context" | grep -o '[0-9]*$') ||
		{ head -30 <<<"$context" >&2; die "crash names no current task for $dump"; }
	task=$(grep -m1 -E '^ +TASK: [0-9a-f]+' <<<"$context" | awk '{print $2}')
	cmds=("sys" "set" "ps" "ps -p $panic" "ps -p" "mod" "kmem -i" "kmem -s" "log" "p init_uts_ns"
		"task $panic" "files $panic" "vm $panic" "struct task_struct.comm,pid $task" "vtop $task"
		"task $user" "files $user" "vm $user")
	log "crash on $run/$file: panic task $panic, user process $user"
	{
		echo "### crash $crash_version on runs/$run/$file with vmlinux-$kver (make-vm-parity.sh)"
		echo "### RUN: $run KERNELOFFSET=$offset CRASHTIME=$time"
		echo "### PIDS: panic=$panic user=$user"
		"$crash" -s "$vmlinux" "$dump" < <(for c in "${cmds[@]}"; do echo "!echo '### CMD: $c'"; echo "$c"; done; echo q) 2>&1 || true
	} > "$out_dir/$out.part"
	grep -q "^### CMD: vm $user" "$out_dir/$out.part" || { head -30 "$out_dir/$out.part" >&2; die "crash printed no transcript for $dump"; }
	mv "$out_dir/$out.part" "$out_dir/$out"
	log "wrote $out_dir/$out"
done
