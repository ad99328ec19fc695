#!/bin/sh
# jkdump drill: /init of the first (production) kernel. Arms the kernel with `jkdump load`,
# records samples for the tests, starts recognisable processes and crashes the kernel the
# way the drill asked (jk.crash= on the command line). Every step is a JKDUMP-DRILL: line.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /run /data
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
say() { echo "JKDUMP-DRILL: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
fail() { say "FAILED: $*"; sync; sleep 1; poweroff -f; }
arg() { for a in $(cat /proc/cmdline); do case "$a" in "$1="*) echo "${a#*=}"; return ;; esac; done; echo "$2"; }
say "MODE first uptime=$(up) kernel=$(uname -r)"
[ -e /proc/vmcore ] && fail "/proc/vmcore exists: this kernel was booted as a capture kernel"
for m in $(cat /lib/jkdump/modules.order); do insmod "/lib/jkdump/modules/$m" || say "insmod $m failed"; done
# the data disk; an ssh drill has no output disk (vdb)
for i in $(seq 1 50); do [ -b /dev/vda ] && break; sleep 0.2; done
mount -t ext4 /dev/vda /data || fail "cannot mount the data disk /dev/vda"
# small per-cpu free lists: pages freed before the crash return to the buddy allocator
echo 1000000 > /proc/sys/vm/percpu_pagelist_high_fraction 2>/dev/null
mkdir -p /data/samples
cat /proc/iomem > /data/samples/proc-iomem.txt
for c in /sys/devices/system/cpu/cpu[0-9]*; do
	echo "$(basename "$c") crash_notes=$(cat "$c/crash_notes") crash_notes_size=$(cat "$c/crash_notes_size")"
done > /data/samples/crash_notes.txt
cat /sys/kernel/vmcoreinfo > /data/samples/sys-kernel-vmcoreinfo.txt
cat /sys/kernel/kexec_crash_size > /data/samples/kexec_crash_size.txt
cat /proc/cmdline > /data/samples/proc-cmdline.txt
JK="/opt/jkdump/runtime/bin/java @JAVA_FLAGS@ -jar /opt/jkdump/jkdump.jar"
say "SETUP-DONE uptime=$(up)"
t0=$(up)
CLASSIC=""
if [ "$(arg jk.classic 0)" = 1 ]; then
	# kexec_load with jkdump's own core header and purgatory (issue 8): record what it loads
	CLASSIC=--classic
	$JK load --classic --dry-run --kernel /data/boot/vmlinuz --initrd /data/boot/jkdump-capture.img --reuse-cmdline --append "panic=5" \
		> /data/samples/jkdump-load-classic-dry-run.txt 2>&1 || fail "jkdump load --classic --dry-run"
	cat /data/samples/jkdump-load-classic-dry-run.txt
	cat /proc/iomem > /data/samples/proc-iomem-classic.txt
	# test of the purgatory's digest check: the capture kernel must not boot
	[ "$(arg jk.flip 0)" = 1 ] && CLASSIC="--classic --test-flip-kernel-byte"
fi
$JK load $CLASSIC --kernel /data/boot/vmlinuz --initrd /data/boot/jkdump-capture.img --reuse-cmdline --append "panic=5" ||
	fail "jkdump load"
say "ARMED kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) load_seconds=$(awk -v a="$t0" -v b="$(up)" 'BEGIN{printf "%.2f", b-a}')"
$JK status --json --kernel /data/boot/vmlinuz --initrd /data/boot/jkdump-capture.img > /data/samples/jkdump-status.json 2>&1
cat /data/samples/jkdump-status.json
/bin/drill-marker /data/drill-open.txt /data/drill-mmap.bin &
say "PROCESS drill-marker pid=$!"
sleep 31337 &
say "PROCESS sleep pid=$! args=31337"
sleep 42424 &
say "PROCESS sleep pid=$! args=42424"
sleep 1
ps
free
sync
CRASH=$(arg jk.crash sysrq)
# arm_module SYSCTL=VALUE...: load the test module, set the sysctls (paths under /proc/sys),
# announce the crash, and let the serial port send that line (the crash stops the tty draining)
arm_module() {
	insmod /lib/jkdump/jkdrill.ko || fail "insmod jkdrill.ko"
	for kv in "$@"; do echo "${kv#*=}" > "/proc/sys/${kv%%=*}"; done
	say "CRASH-NOW type=$CRASH uptime=$(up)"
	sleep 1
}
case "$CRASH" in
oops|bug|panic)
	arm_module kernel/panic_on_oops=1
	echo "$CRASH" > /proc/jkdrill ;;
irq)
	# the timer callback oopses on the IRQ stack over whatever task it interrupted
	arm_module kernel/panic_on_oops=1
	echo irq > /proc/jkdrill
	sleep 5 ;;
oom)
	# a separate process (dd) asks the module to hoard pages: that task hits the OOM panic
	arm_module vm/panic_on_oom=1
	echo oom | dd of=/proc/jkdrill bs=64 2>/dev/null ;;
lockup)
	# dd spins in the module with preemption off; the watchdog's hrtimer panics after 2*thresh seconds
	arm_module kernel/softlockup_panic=1 kernel/watchdog_thresh=1
	echo lockup | dd of=/proc/jkdrill bs=64 2>/dev/null ;;
stack|warn)
	# stack: a double fault on the #DF stack when the recursion reaches the guard page
	arm_module kernel/panic_on_oops=1 kernel/panic_on_warn=1
	echo "$CRASH" | dd of=/proc/jkdrill bs=64 2>/dev/null ;;
hung)
	# dd sleeps uninterruptibly in the module; khungtaskd panics once it has seen it blocked
	# for hung_task_timeout_secs
	arm_module kernel/hung_task_panic=1 kernel/hung_task_timeout_secs=2
	echo hung | dd of=/proc/jkdrill bs=64 2>/dev/null &
	sleep 60 ;;
nmi)
	# the host presses the NMI button (QEMU's monitor) when it reads CRASH-NOW: an NMI with no reason
	echo 1 > /proc/sys/kernel/unknown_nmi_panic
	say "CRASH-NOW type=$CRASH uptime=$(up)"
	sleep 60 ;;
*)
	say "CRASH-NOW type=sysrq uptime=$(up)"
	sleep 1
	echo c > /proc/sysrq-trigger ;;
esac
fail "still alive after the crash trigger"
