package org.jkdump.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jkdump.drill.Drill;
import org.jkdump.drill.DrillOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jkdump drill}: the whole kdump cycle on a Debian kernel under QEMU, with a report. */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Run the whole kdump cycle on a real Debian kernel under QEMU and report on it.",
                "Arms the guest with 'jkdump load', crashes it, lets the capture kernel run 'jkdump capture', brings the dump back",
                "and reports what it holds and how long each phase took.",
                "Needs root (apt-get, kernel unpacking) and installs qemu-system-x86, busybox-static and the build tools when missing",
                "(and openssh-server for --target ssh)."},
        footer = {"", "Examples:",
                "  jkdump drill --yes                         sysrq crash of Debian's 6.1 kernel, 1 GiB guest, crashkernel=256M",
                "  jkdump drill --yes --crash oops            NULL dereference in the drill's test module (panic_on_oops=1)",
                "  jkdump drill --yes --crash irq             NULL dereference in a timer callback: 'Fatal exception in interrupt'",
                "  jkdump drill --yes --crash oom             the kernel runs out of memory with vm.panic_on_oom=1",
                "  jkdump drill --yes --crash lockup          soft lockup in the test module, kernel.softlockup_panic=1",
                "  jkdump drill --yes --crash stack           kernel stack overflow: a double fault on the #DF stack",
                "  jkdump drill --yes --crash hung            a task blocked in D state, kernel.hung_task_panic=1",
                "  jkdump drill --yes --crash nmi             the NMI button (QEMU's monitor), kernel.unknown_nmi_panic=1",
                "  jkdump drill --kernel 6.12 --keep          another kernel; keep the disk images",
                "  jkdump drill --yes --target ssh            the capture kernel saves over ssh (DHCP on QEMU's user network) to a",
                "                                             private sshd the drill runs on 127.0.0.1 (host 10.0.2.2 in the guest)",
                "Without --yes and without a terminal, missing packages are an error (nothing waits for input).",
                "Large files go to ${JKDUMP_CACHE:-/var/cache/jkdump}: kernels, the runtime image, drill runs."})
final class DrillCommand implements Callable<Integer> {
    @Option(names = "--yes", description = "install missing packages without asking")
    boolean yes;
    @Option(names = "--crash", paramLabel = "TYPE", description = "sysrq (default) | oops | bug | panic | irq (NULL write in a timer callback: oops in interrupt"
            + " context, backtrace across the IRQ stack) | oom (module hoards pages, vm.panic_on_oom=1)"
            + " | lockup (spin with preemption off, soft-lockup watchdog panics) | stack (endless recursion: the stack guard"
            + " page, a double fault) | warn (WARN() with kernel.panic_on_warn=1) | hung (a task left in D state,"
            + " kernel.hung_task_panic=1) | nmi (an NMI to every CPU from QEMU's monitor, kernel.unknown_nmi_panic=1)")
    String crash = "sysrq";
    @Option(names = "--kernel", paramLabel = "6.1|6.12|RELEASE", description = "guest kernel (default 6.1)")
    String kernel = "6.1";
    @Option(names = "--mem", paramLabel = "SIZE", description = "guest memory (default 1G)")
    String mem = "1G";
    @Option(names = "--crashkernel", paramLabel = "SIZE", description = "crashkernel= reservation (default 256M)")
    String crashkernel = "256M";
    @Option(names = "--keep", description = "keep the guest disk images in the run directory")
    boolean keep;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up when a guest phase takes longer than this (default 900)")
    int timeout = 900;
    @Option(names = "--classic", description = "arm the guest with 'jkdump load --classic' (kexec_load, jkdump's own core header and purgatory)")
    boolean classic;
    @Option(names = "--compare-makedumpfile", description = "also run Debian's makedumpfile -l -d 31 on the same /proc/vmcore in the capture kernel;"
            + " compare both dumps page by page and both times")
    boolean compareMakedumpfile;
    /** Test of the purgatory's digest check: the drill is expected to time out with the crashed guest halted in the purgatory. */
    @Option(names = "--test-flip-kernel-byte", hidden = true)
    boolean flipKernelByte;
    @Option(names = "--target", paramLabel = "disk|ssh", description = "where the capture kernel saves the dump: disk (default: the guest's"
            + " second virtio disk) or ssh (the drill's own sshd on the host, into RUN/crash)")
    String target = DrillOptions.DISK;
    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default CACHE/drill/TIME-RELEASE-CRASH)")
    Path out;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var o = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var report = Drill.run(new DrillOptions(crash, kernel, mem, crashkernel, keep, yes, timeout, Optional.ofNullable(out), classic, compareMakedumpfile, flipKernelByte,
                        target),
                CaptureCommands.ownJar(), err);
        o.print(report.render());
        o.flush();
        return Main.EXIT_OK;
    }
}
