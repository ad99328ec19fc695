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
root=$(cd "$here/../../../../../.." && pwd)
source "$root/../shared/vm/lib.sh"
runs_dir="$JK_CACHE/runs"
out_dir=$here
if [[ "${1:-}" == --out ]]; then out_dir=$(cd "$2" && pwd); shift 2; fi
(($#)) || set -- sysrq2 sysrq2/vmcore.full.elf la57 bug panic k612 k612-full k612-full/vmcore.full.elf \
	qmp qmp/qmp/qemu-dump.elf qmp/qmp/qemu-dump.kdump-zlib bench4g
crash=$(crash_bin)
"$crash" --version >/dev/null 2>&1 || die "$crash does not run (a broken download? remove $JK_CACHE/crash-trixie to fetch it again)"
for arg in "$@"; do
	run=${arg%%/*}
	file=vmcore.kdump-lzo out=$run-parity.txt
	if [[ "$arg" == */* ]]; then file=${arg#*/} out=$run-${file//\//-}-parity.txt; fi
	dump="$runs_dir/$run/$file"
	[[ -f "$dump" ]] || die "no $dump: make the run first (run-crash-vm.sh)"
	[[ -f "$runs_dir/$run/vmcoreinfo.txt" ]] || die "no $runs_dir/$run/vmcoreinfo.txt (run-crash-vm.sh writes it)"
	kver=$(grep -a -m1 '^OSRELEASE=' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	offset=$(grep -a -m1 -E '^KERNELOFFSET=[0-9a-f]+$' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	time=$(grep -a -m1 -E '^CRASHTIME=[0-9]+$' "$runs_dir/$run/vmcoreinfo.txt" | cut -d= -f2)
	[[ -n "$kver" && -n "$time" ]] || die "$runs_dir/$run/vmcoreinfo.txt lacks OSRELEASE or CRASHTIME"
	user=$(grep -a -m1 -o 'JKDUMP: PROCESS markerproc pid=[0-9]*' "$runs_dir/$run/console.log" | grep -o '[0-9]*$') ||
		die "$runs_dir/$run/console.log names no markerproc pid"
	vmlinux=$(fetch_debug_vmlinux "$kver")
	[[ -f "$vmlinux" ]] || die "no debug vmlinux for $kver"
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
		echo "### crash $("$crash" --version 2>&1 | grep -m1 -o '[0-9][0-9.]*[0-9]') on runs/$run/$file with vmlinux-$kver (make-vm-parity.sh)"
		echo "### RUN: $run KERNELOFFSET=$offset CRASHTIME=$time"
		echo "### PIDS: panic=$panic user=$user"
		"$crash" -s "$vmlinux" "$dump" < <(for c in "${cmds[@]}"; do echo "!echo '### CMD: $c'"; echo "$c"; done; echo q) 2>&1 || true
	} > "$out_dir/$out.part"
	grep -q "^### CMD: vm $user" "$out_dir/$out.part" || { head -30 "$out_dir/$out.part" >&2; die "crash printed no transcript for $dump"; }
	mv "$out_dir/$out.part" "$out_dir/$out"
	log "wrote $out_dir/$out"
done
