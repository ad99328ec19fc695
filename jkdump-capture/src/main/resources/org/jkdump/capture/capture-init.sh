#!/bin/sh
# jkdump capture initramfs /init (busybox sh), written by `jkdump initramfs`.
# Runs in the capture kernel: mounts what it needs, runs `jkdump capture`, then
# final_action (capture saved) or failure_action (it did not).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
up() { cut -d' ' -f1 /proc/uptime; }
echo "JKDUMP-CAPTURE-INIT: start uptime=$(up) kernel=$(uname -r)"
finish() { # finish ACTION-COMMAND
	sync
	echo "JKDUMP-CAPTURE-INIT: $1"
	@FINISH_PREPARE@
	$1
	sleep 10
	echo "JKDUMP-CAPTURE-INIT: '$1' did not end the capture kernel; trying reboot -f"
	reboot -f
}
for m in $(cat /lib/jkdump/modules.order); do
	insmod "/lib/jkdump/modules/$m" || echo "JKDUMP-CAPTURE-INIT: insmod $m failed"
done
@MOUNT@
free | sed 's/^/JKDUMP-CAPTURE-INIT: free: /'
/opt/jkdump/runtime/bin/java @JAVA_FLAGS@ -jar /opt/jkdump/jkdump.jar capture --config /etc/jkdump.conf
rc=$?
echo "JKDUMP-CAPTURE-INIT: jkdump capture exit=$rc uptime=$(up)"
if [ $rc -eq 0 ]; then finish "@FINAL@"; else finish "@FAILURE@"; fi
