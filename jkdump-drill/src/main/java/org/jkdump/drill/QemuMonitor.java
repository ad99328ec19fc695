package org.jkdump.drill;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * QEMU's human monitor on a Unix socket ({@code -monitor unix:PATH,server=on,wait=off}): the
 * drill's way to press the NMI button ({@code nmi}, an NMI to every CPU), as an operator
 * would on a hung machine.
 */
final class QemuMonitor {
    private static final String PROMPT = "(qemu) ";
    private static final long REPLY_MILLIS = 5_000;

    private QemuMonitor() {
    }

    /** QEMU arguments for a monitor listening on {@code socket}. */
    static List<String> arguments(Path socket) {
        return List.of("-monitor", "unix:" + socket + ",server=on,wait=off");
    }

    /** Sends {@code command} and waits for the prompt that follows its output. */
    static void send(Path socket, String command) {
        try (var ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            awaitPrompt(ch, 1);
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            awaitPrompt(ch, 1);
        } catch (IOException e) {
            throw new DrillException("crash", "QEMU monitor " + socket + ": cannot send '" + command + "': " + e.getMessage(), List.of());
        }
    }

    /** Reads until {@code n} more prompts have come (the greeting ends with one, so does each reply). */
    private static void awaitPrompt(SocketChannel ch, int n) throws IOException {
        ch.configureBlocking(false);
        var text = new StringBuilder();
        var buf = ByteBuffer.allocate(4096);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_MILLIS);
        while (count(text) < n) {
            if (System.nanoTime() > end) throw new IOException("no '" + PROMPT.strip() + "' prompt within " + REPLY_MILLIS + " ms");
            buf.clear();
            int r = ch.read(buf);
            if (r < 0) throw new IOException("the monitor closed the connection");
            if (r == 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                continue;
            }
            text.append(new String(buf.array(), 0, r, StandardCharsets.US_ASCII));
        }
    }

    private static int count(CharSequence text) {
        int n = 0;
        for (int i = text.toString().indexOf(PROMPT); i >= 0; i = text.toString().indexOf(PROMPT, i + 1)) n++;
        return n;
    }
}
