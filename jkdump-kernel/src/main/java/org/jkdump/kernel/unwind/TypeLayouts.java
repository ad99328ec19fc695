package org.jkdump.kernel.unwind;

import java.util.List;

/**
 * The type queries the unwinder's {@link UnwindLayout} needs, answered from the kernel's BTF
 * (the kernel model's {@code Types} implements them). Type specs are C spellings such as
 * {@code "struct task_struct"}; paths are dotted member paths such as {@code "thread.sp"}.
 */
public interface TypeLayouts {
    /** offsetof(type, path) in bytes; fails naming the type and member when either is missing. */
    long offsetOf(String typeSpec, String path);

    /** Whether {@code type} has member {@code path}: a feature check across kernel versions. */
    boolean hasMember(String typeSpec, String path);

    /** Whether the kernel has the type at all. */
    boolean hasType(String typeSpec);

    /** The direct members of a struct with their byte offsets and sizes, in declaration order. */
    List<Member> members(String structSpec);

    /** One struct member. */
    record Member(String name, long offset, long size) {
    }
}
