package org.jkdump.kexec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The Linux system calls jkdump makes itself, through the FFM API: libc's {@code syscall(2)}
 * wrapper called with the x86-64 system call numbers, and {@code errno} captured right after
 * the call (the JVM may change it before Java code could read it otherwise). No JNI.
 * A failed call throws {@link ErrnoException} carrying the errno value.
 */
public final class Syscalls {
    /** x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
    static final long SYS_CLOSE = 3, SYS_OPENAT = 257, SYS_KEXEC_FILE_LOAD = 320;
    /** kexec_file_load flags (include/uapi/linux/kexec.h). */
    public static final long KEXEC_FILE_UNLOAD = 1, KEXEC_FILE_ON_CRASH = 2, KEXEC_FILE_NO_INITRAMFS = 4;
    private static final long AT_FDCWD = -100, O_RDONLY = 0, O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MemorySegment SYSCALL = LINKER.defaultLookup().find("syscall")
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall()"));

    // syscall(long number, ...): everything after the number is variadic, passed as 64-bit words
    private static final MethodHandle KEXEC_FILE_LOAD = handle(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final MethodHandle OPENAT = handle(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle CLOSE = handle(JAVA_LONG);

    // --- classic kexec_load (issue 8; org.jkdump.kexec.classic.KexecLoad builds the arguments) ---
    /** kexec_load(2): x86-64 system call 246. */
    static final long SYS_KEXEC_LOAD = 246;
    private static final MethodHandle KEXEC_LOAD = handle(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);

    private Syscalls() {
    }

    private static MethodHandle handle(MemoryLayout... args) {
        var all = new MemoryLayout[args.length + 1];
        all[0] = JAVA_LONG;
        System.arraycopy(args, 0, all, 1, args.length);
        return LINKER.downcallHandle(SYSCALL, FunctionDescriptor.of(JAVA_LONG, all),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /**
     * kexec_file_load(kernel_fd, initrd_fd, cmdline_len, cmdline, flags). The command line is
     * passed NUL-terminated with the NUL counted, as the kernel requires; null passes none.
     */
    public static void kexecFileLoad(int kernelFd, int initrdFd, String cmdline, long flags) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(CALL_STATE);
            MemorySegment text = cmdline == null ? MemorySegment.NULL : arena.allocateFrom(cmdline);
            long len = cmdline == null ? 0 : text.byteSize();
            long rc = (long) KEXEC_FILE_LOAD.invokeExact(state, SYS_KEXEC_FILE_LOAD, (long) kernelFd, (long) initrdFd,
                    len, text, flags);
            check(rc, state, "kexec_file_load");
        } catch (ErrnoException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kexec_file_load downcall failed", t);
        }
    }

    /**
     * kexec_load(entry, nr_segments, segments, flags): {@code segments} holds nr_segments
     * struct kexec_segment entries whose buf pointers stay valid for the call.
     */
    public static void kexecLoad(long entry, long nrSegments, MemorySegment segments, long flags) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(CALL_STATE);
            long rc = (long) KEXEC_LOAD.invokeExact(state, SYS_KEXEC_LOAD, entry, nrSegments, segments, flags);
            check(rc, state, "kexec_load");
        } catch (ErrnoException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kexec_load downcall failed", t);
        }
    }

    /** openat(AT_FDCWD, path, O_RDONLY|O_CLOEXEC): a descriptor to hand to the kernel. */
    public static int openReadOnly(Path path) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(CALL_STATE);
            long rc = (long) OPENAT.invokeExact(state, SYS_OPENAT, AT_FDCWD, arena.allocateFrom(path.toString()),
                    O_RDONLY | O_CLOEXEC, 0L);
            check(rc, state, "open " + path);
            return (int) rc;
        } catch (ErrnoException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("openat downcall failed", t);
        }
    }

    public static void close(int fd) {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(CALL_STATE);
            long rc = (long) CLOSE.invokeExact(state, SYS_CLOSE, (long) fd);
            check(rc, state, "close");
        } catch (ErrnoException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    private static void check(long rc, MemorySegment state, String call) {
        if (rc == -1) throw new ErrnoException(call, (int) ERRNO.get(state, 0L));
    }
}
