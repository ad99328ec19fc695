#!/usr/bin/env bash
# Regenerates sysrq-memory.txt: crash 8.0.6's output for the memory and symbol commands that
# the fixture's crash.txt does not cover (rd in every layout, ptov, more vtop and sym), on
# the kdump-sysrq fixture with the debug vmlinux, in crash.txt's "### CMD:" format.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
source "$root/../shared/vm/lib.sh"
vmlinux=$(fetch_debug_vmlinux 6.1.0-56-amd64)
dump="$root/../shared/fixtures/kdump-sysrq/vmcore.kdump-zlib"
cmds=(
	"rd init_uts_ns 6" "rd -8 init_uts_ns 20" "rd -16 init_uts_ns 10" "rd -32 init_uts_ns 9"
	"rd -64 init_uts_ns 3" "rd -a linux_banner" "rd -8 -a init_uts_ns 200" "rd -p 31bfb000 4"
	"rd -d init_uts_ns 4" "rd -D init_uts_ns 2" "rd -d -32 init_uts_ns 5" "rd -d -16 init_uts_ns 9"
	"rd -d -8 init_uts_ns 17" "rd -x -32 init_uts_ns 5" "rd ffffffffb85fb003 3" "rd -8 ffffffffb85fb003 3"
	"rd -s sys_call_table 4" "rd -s jiffies 1"
	"ptov 31bfb000 1203080" "vtop ffffffffb7401cb5" "vtop ffff8efeb1bfb000" "vtop ffffffffc0574000"
	"sym ffffffffb7401cb5" "sym -q uts_ns" "sym 0" "set radix 16" "set radix 10"
)
{
	echo "### crash $("$(crash_bin)" --version 2>&1 | grep -m1 -o '[0-9][0-9.]*[0-9]') on kdump-sysrq/vmcore.kdump-zlib with vmlinux-6.1.0-56-amd64 (make-sysrq-memory.sh)"
	"$(crash_bin)" -s "$vmlinux" "$dump" < <(for c in "${cmds[@]}"; do echo "!echo '### CMD: $c'"; echo "$c"; done) 2>&1
	# crash ends rd -a's text without a newline when the string ends in one: start the next section on its own line
} | sed 's/\(.\)### CMD: /\1\n### CMD: /' > "$here/sysrq-memory.txt"
