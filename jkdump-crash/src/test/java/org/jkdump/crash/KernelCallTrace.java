package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jkdump.crash.commands.Bt;
import org.jkdump.crash.commands.BtLine;
import org.jkdump.crash.commands.BtOptions;
import org.jkdump.format.DumpFiles;

/**
 * A reference for bt that needs neither crash nor debuginfo: what the crashing kernel printed
 * itself, in the log saved by kexec-tools' vmcore-dmesg — the faulting registers of an oops or
 * BUG ("RIP: 0010:fn+0x.../0x... [module]" and the register lines), the reliable frames of its
 * "Call Trace:" (the "?" guesses left out) and the user registers of the system call.
 *
 * @param kernelRip  {@code fn+offset} of the kernel-mode RIP line, null for a plain panic()
 * @param kernelRegs the registers printed with it, in crash's names (RAX, R8, RFLAGS, RSP ...)
 * @param frames     the Call Trace's reliable frames as {@code fn+offset [module]}, offsets in decimal
 * @param userRegs   the user-mode registers at the bottom of the trace
 */
record KernelCallTrace(String kernelRip, Map<String, Long> kernelRegs, List<String> frames, Map<String, Long> userRegs) {
    private static final Pattern TRACE_FRAME = Pattern.compile("^ (\\S+)\\+0x([0-9a-f]+)/0x[0-9a-f]+(?: \\[(\\S+)\\])?$");
    private static final Pattern KERNEL_RIP = Pattern.compile("^RIP: 0010:(\\S+)\\+0x([0-9a-f]+)/0x[0-9a-f]+(?: \\[(\\S+)\\])?");
    private static final Pattern USER_RIP = Pattern.compile("^RIP: 0033:0x([0-9a-f]+)");
    private static final Pattern REGISTER = Pattern.compile("([A-Z][A-Z0-9_]*):\\s+([0-9a-f]+)");
    /** "RSP: 0018:ffffcf58c0013d00": the segment first, then the value. */
    private static final Pattern RSP = Pattern.compile("RSP: [0-9a-f]{4}:([0-9a-f]+)");
    private static final List<String> NOT_PT_REGS = List.of("FS", "GS", "CS", "DS", "ES", "KNLGS", "CR0", "CR2", "CR3", "CR4");

    /** The first oops/panic report of a vmcore-dmesg.txt (timestamps cut off). */
    static KernelCallTrace of(Path vmcoreDmesg) throws IOException {
        return parse(Files.readAllLines(vmcoreDmesg).stream().map(l -> l.replaceFirst("^\\[[ 0-9.]+\\] ", "")).toList());
    }

    static KernelCallTrace parse(List<String> log) {
        var kernelRegs = new LinkedHashMap<String, Long>();
        var userRegs = new LinkedHashMap<String, Long>();
        var frames = new ArrayList<String>();
        String rip = null;
        Map<String, Long> regs = null;
        boolean trace = false;
        for (var l : log) {
            var k = KERNEL_RIP.matcher(l);
            var u = USER_RIP.matcher(l);
            if (k.find() && rip == null && !trace) {
                rip = name(k.group(1), k.group(2), k.group(3));
                regs = kernelRegs;
            } else if (u.find() && trace) {
                userRegs.put("RIP", Long.parseUnsignedLong(u.group(1), 16));
                regs = userRegs;
            } else if (l.startsWith("Call Trace:")) {
                trace = true;
                regs = null;
            } else if (trace && l.contains("</TASK>")) {
                break;
            } else if (trace && regs == null) {
                var f = TRACE_FRAME.matcher(l);
                if (f.find()) frames.add(name(f.group(1), f.group(2), f.group(3)));
            } else if (regs != null && !l.startsWith("Code: ")) {
                // kernel spelling to crash's: EFLAGS is RFLAGS, R08 is R8
                var m = REGISTER.matcher(l.replace("EFLAGS", "RFLAGS").replaceAll("\\bR0(\\d)", "R$1"));
                boolean any = false;
                while (m.find()) {
                    any = true;
                    if (!NOT_PT_REGS.contains(m.group(1))) regs.put(m.group(1), Long.parseUnsignedLong(m.group(2), 16));
                }
                var sp = RSP.matcher(l);
                if (sp.find()) regs.put("RSP", Long.parseUnsignedLong(sp.group(1), 16));
                if (!any) regs = null;
            }
        }
        return new KernelCallTrace(rip, kernelRegs, List.copyOf(frames), userRegs);
    }

    private static String name(String fn, String hexOffset, String module) {
        return fn + "+" + Long.parseLong(hexOffset, 16) + (module == null ? "" : " [" + module + "]");
    }

    private static String frameName(BtLine.FrameLine f) {
        return f.function().orElse("?") + "+" + f.offset() + f.module().map(m -> " [" + m + "]").orElse("");
    }

    private static Map<String, Long> crashNames(Map<String, Long> regs) {
        var out = new LinkedHashMap<String, Long>();
        regs.forEach((k, v) -> out.put(k.equals("eflags") ? "RFLAGS" : k.toUpperCase(), v));
        return out;
    }

    /**
     * jkdump's bt of the dump's panic task against the kernel's own report: the backtrace ends
     * with the kernel's Call Trace frames — same functions, offsets and modules — down to the
     * syscall entry; only the kernel's top frames inside panic() (where it printed the trace,
     * not where it went on into crash_kexec) are not ours. After an oops or BUG, the frames
     * below the faulting registers are exactly the kernel's, and those registers and the user
     * registers at the syscall are the ones the kernel printed.
     */
    static void assertPanicTaskMatches(String what, Path dump, Path vmcoreDmesg) throws IOException {
        var report = of(vmcoreDmesg);
        assertThat(report.frames()).as("Call Trace frames in %s", vmcoreDmesg).isNotEmpty();
        try (var s = new Session(DumpFiles.open(dump))) {
            var trace = Bt.run(new SessionBacktraces(s), BtOptions.parse(List.of())).tasks().getFirst();
            assertThat(trace.complete()).as("%s: bt of the panic task is complete (%s)", what, trace.problem()).isTrue();
            var names = trace.lines().stream().filter(BtLine.FrameLine.class::isInstance).map(BtLine.FrameLine.class::cast)
                    .map(KernelCallTrace::frameName).toList();
            var kernel = report.frames();
            int skip = 0;
            while (skip < kernel.size() && !endsWith(names, kernel.subList(skip, kernel.size()))) skip++;
            assertThat(kernel.subList(0, skip)).as("%s: kernel frames above ours (ours: %s)", what, names)
                    .allMatch(f -> f.startsWith("dump_stack") || f.startsWith("panic+"));
            assertThat(kernel.size() - skip).as("%s: frames shared with the kernel's trace %s (ours: %s)", what, kernel, names)
                    .isGreaterThanOrEqualTo(4);
            assertThat(names.getLast()).startsWith("entry_SYSCALL_64_after_hwframe+");

            var exceptions = trace.lines().stream().filter(BtLine.ExceptionLine.class::isInstance).map(BtLine.ExceptionLine.class::cast).toList();
            var user = exceptions.getLast();
            assertThat(user.userMode()).as("%s: the last exception frame is the syscall's user registers", what).isTrue();
            assertThat(report.userRegs()).as("%s: user registers in the log", what).containsKeys("RIP", "RSP", "RAX", "R15", "ORIG_RAX");
            assertThat(crashNames(user.registers())).as("%s: user registers the kernel printed", what).containsAllEntriesOf(report.userRegs());
            if (report.kernelRip() != null) {
                var fault = exceptions.stream().filter(x -> !x.userMode()).findFirst();
                assertThat(fault).as("%s: an exception frame for the fault at %s", what, report.kernelRip()).isPresent();
                assertThat(fault.get().rip()).contains(report.kernelRip().replaceFirst(" \\[.*", ""));
                assertThat(report.kernelRegs()).as("%s: faulting registers in the log", what).containsKeys("RSP", "RFLAGS", "RAX", "R15");
                assertThat(crashNames(fault.get().registers())).as("%s: faulting registers the kernel printed", what)
                        .containsAllEntriesOf(report.kernelRegs());
                // below the fault our frames are exactly the kernel's trace: nothing missed, nothing invented
                var below = trace.lines().subList(trace.lines().indexOf(fault.get()) + 1, trace.lines().size()).stream()
                        .filter(BtLine.FrameLine.class::isInstance).map(BtLine.FrameLine.class::cast).map(KernelCallTrace::frameName).toList();
                assertThat(below).as("%s: frames below the fault", what).containsExactlyElementsOf(kernel);
            }
        }
    }

    private static boolean endsWith(List<String> list, List<String> tail) {
        return !tail.isEmpty() && list.size() >= tail.size() && list.subList(list.size() - tail.size(), list.size()).equals(tail);
    }
}
