package org.jkdump.kernel.helpers;

import org.jkdump.kernel.Kernel;

/**
 * Block-device page cache, as {@code nr_blockdev_pages()} (block/bdev.c) counts it: the
 * {@code nrpages} of every inode of the bdev pseudo file system
 * ({@code blockdev_superblock->s_inodes}, linked through {@code inode.i_sb_list}).
 * crash's kmem -i shows this as BUFFERS.
 */
public final class BlockDevices {
    private static final int MAX_INODES = 1 << 20;

    private BlockDevices() {
    }

    public static long pages(Kernel k) {
        if (!Access.hasSymbol(k, "blockdev_superblock")) return 0;
        long sb = k.memory().u64(Access.symbol(k, "blockdev_superblock"));
        if (sb == 0) return 0;
        var head = Access.object(k, "struct super_block", sb).member("s_inodes");
        long headAddr = head.address();
        long listOff = k.types().offsetOf("struct inode", "i_sb_list");
        long total = 0;
        long p = head.member("next").asUnsigned();
        for (int n = 0; p != headAddr && p != 0 && n < MAX_INODES; n++) {
            var inode = Access.object(k, "struct inode", p - listOff);
            total += inode.member("i_data.nrpages").asUnsigned();
            p = k.memory().u64(p);
        }
        return total;
    }
}
