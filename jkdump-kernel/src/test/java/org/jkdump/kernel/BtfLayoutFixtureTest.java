package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;
import org.jkdump.kernel.btf.BtfType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kdump-sysrq dump's own BTF (read from its memory between __start_BTF and
 * __stop_BTF, located by the dump's kallsyms) against two independent truths: crash's {@code struct -o} output from the
 * DWARF of the matching debug vmlinux, and the SIZE/OFFSET entries of the dump's VMCOREINFO.
 */
class BtfLayoutFixtureTest {
    private static FixtureKernel kernel;
    private static Types types;

    @BeforeAll
    static void open() {
        kernel = FixtureKernel.sysrq();
        types = kernel.types();
    }

    @AfterAll
    static void close() {
        kernel.close();
    }

    /** One {@code struct -o} listing: the struct's size and each "[offset] declaration;" line. */
    record CrashStruct(String name, long size, List<CrashMember> members) {
    }

    /** {@code declaration} is null for a named inline struct ("} lru_gen;"), whose text crash splits over lines. */
    record CrashMember(long offset, String name, String declaration, int bitfieldWidth) {
    }

    private static final Pattern CMD = Pattern.compile("^### CMD: struct -o (\\w+)$");
    private static final Pattern MEMBER = Pattern.compile("^\\s*\\[(\\d+)\\]\\s+(.*);$");
    private static final Pattern INLINE_END = Pattern.compile("^}\\s*(\\w+)$");
    private static final Pattern BITFIELD = Pattern.compile("^.*?(\\w+)\\s*:\\s*(\\d+)$");
    private static final Pattern FUNC_PTR = Pattern.compile("\\(\\*(\\w+)\\)");
    private static final Pattern PLAIN = Pattern.compile("(\\w+)(\\[\\d*\\])*$");

    static Map<String, CrashStruct> crashStructs() {
        var out = new LinkedHashMap<String, CrashStruct>();
        String name = null;
        var members = new ArrayList<CrashMember>();
        for (var line : Fixtures.text("kdump-sysrq", "crash-structs.txt").split("\n")) {
            var cmd = CMD.matcher(line);
            if (cmd.matches()) {
                name = cmd.group(1);
                members = new ArrayList<>();
                continue;
            }
            if (name == null) continue;
            if (line.startsWith("SIZE: ")) {
                out.put(name, new CrashStruct(name, Long.parseLong(line.substring(6).strip()), List.copyOf(members)));
                name = null;
                continue;
            }
            var m = MEMBER.matcher(line);
            if (!m.matches()) continue;
            long offset = Long.parseLong(m.group(1));
            var decl = m.group(2).strip().replaceAll("\\s+", " ");
            var inline = INLINE_END.matcher(decl);
            var bits = BITFIELD.matcher(decl);
            var fn = FUNC_PTR.matcher(decl);
            var plain = PLAIN.matcher(decl);
            if (inline.matches()) members.add(new CrashMember(offset, inline.group(1), null, 0));
            else if (bits.matches()) members.add(new CrashMember(offset, bits.group(1), decl, Integer.parseInt(bits.group(2))));
            else if (fn.find()) members.add(new CrashMember(offset, fn.group(1), decl, 0));
            else if (plain.find()) members.add(new CrashMember(offset, plain.group(1), decl, 0));
            else throw new IllegalStateException("cannot parse crash line: " + line);
        }
        return out;
    }

    @Test
    void crashStructListingCoversTheRequestedStructs() {
        assertThat(crashStructs().keySet()).containsExactly("task_struct", "mm_struct", "list_head", "hlist_node",
                "printk_ringbuffer", "prb_desc_ring", "prb_desc", "printk_info", "prb_data_ring", "page", "module",
                "vm_area_struct", "file", "dentry");
    }

    @Test
    void everyMemberOffsetSizeAndDeclarationMatchesCrashDwarf() {
        var mismatches = new ArrayList<String>();
        int compared = 0;
        for (var cs : crashStructs().values()) {
            var struct = types.struct(cs.name());
            if (types.sizeof(struct) != cs.size())
                mismatches.add(cs.name() + ": SIZE crash " + cs.size() + ", BTF " + types.sizeof(struct));
            for (var cm : cs.members()) {
                compared++;
                var loc = types.findMember(struct, cm.name());
                if (loc.isEmpty()) {
                    mismatches.add(cs.name() + "." + cm.name() + ": not in BTF");
                    continue;
                }
                var l = loc.get();
                if (l.byteOffset() != cm.offset())
                    mismatches.add(cs.name() + "." + cm.name() + ": offset crash " + cm.offset() + ", BTF " + l.byteOffset());
                if (l.bitSize() != cm.bitfieldWidth())
                    mismatches.add(cs.name() + "." + cm.name() + ": bitfield width crash " + cm.bitfieldWidth() + ", BTF " + l.bitSize());
                if (cm.declaration() != null) {
                    var ours = types.declaration(l.type(), cm.name()) + (l.isBitfield() ? " : " + l.bitSize() : "");
                    if (!ours.equals(cm.declaration()))
                        mismatches.add(cs.name() + "." + cm.name() + ": declaration crash \"" + cm.declaration() + "\", BTF \"" + ours + "\"");
                }
            }
        }
        assertThat(mismatches).as("BTF vs crash struct -o").isEmpty();
        long lines = Fixtures.text("kdump-sysrq", "crash-structs.txt").lines().filter(l -> MEMBER.matcher(l).matches()).count();
        assertThat(compared).as("members compared: every \"[offset] ...;\" line of crash-structs.txt").isEqualTo(lines).isEqualTo(509);
    }

    @Test
    void everySizeAndOffsetInVmcoreinfoMatchesBtf() {
        var vi = kernel.vmcoreinfo();
        var mismatches = new ArrayList<String>();
        int compared = 0;
        for (var e : vi.entries().entrySet()) {
            var key = e.getKey();
            if (key.startsWith("SIZE(")) {
                var name = key.substring(5, key.length() - 1);
                long btf = types.sizeof(vmcoreinfoType(name));
                compared++;
                if (btf != Long.parseLong(e.getValue())) mismatches.add(key + "=" + e.getValue() + ", BTF " + btf);
            } else if (key.startsWith("OFFSET(")) {
                var spec = key.substring(7, key.length() - 1);
                int dot = spec.indexOf('.');
                long btf = types.offsetOf(vmcoreinfoType(spec.substring(0, dot)), spec.substring(dot + 1));
                compared++;
                if (btf != Long.parseLong(e.getValue())) mismatches.add(key + "=" + e.getValue() + ", BTF " + btf);
            }
        }
        assertThat(mismatches).as("BTF vs VMCOREINFO").isEmpty();
        assertThat(compared).as("entries compared").isGreaterThanOrEqualTo(60);
        // the printk structures the issue names are among them
        assertThat(vi.entries()).containsKeys("SIZE(printk_ringbuffer)", "OFFSET(prb_desc_ring.infos)", "SIZE(list_head)",
                "OFFSET(printk_info.caller_id)", "OFFSET(prb_data_ring.data)", "SIZE(page)");
    }

    /** VMCOREINFO names structs bare ("page") and typedefs as they are ("nodemask_t", "atomic_long_t"). */
    private static BtfType vmcoreinfoType(String name) {
        return types.find("struct " + name).or(() -> types.find(name)).or(() -> types.find("union " + name))
                .orElseThrow(() -> new AssertionError("VMCOREINFO names " + name + ", BTF lacks it"));
    }

    @Test
    void perCpuVariableOffsetsInBtfEqualSystemMap() {
        var rq = types.variable("runqueues").orElseThrow();
        assertThat(rq.section()).isEqualTo(".data..percpu");
        assertThat(rq.offset()).isEqualTo(kernel.symbol("runqueues")).isEqualTo(0x31c40); // System.map: 0000000000031c40 D runqueues
        assertThat(types.name(rq.type())).isEqualTo("struct rq");
    }

    @Test
    void enumPidTypeValuesAndTheArraySizedByThem() {
        assertThat(types.enumValue("pid_type", "PIDTYPE_PID")).isZero();
        assertThat(types.enumValue("pid_type", "PIDTYPE_TGID")).isEqualTo(1);
        assertThat(types.enumValue("pid_type", "PIDTYPE_PGID")).isEqualTo(2);
        assertThat(types.enumValue("pid_type", "PIDTYPE_SID")).isEqualTo(3);
        assertThat(types.constant("PIDTYPE_MAX")).hasValue(4);
        var links = types.member(types.struct("task_struct"), "pid_links");
        assertThat(types.name(links.type())).isEqualTo("struct hlist_node [4]");
        assertThat(types.offsetOf("struct task_struct", "pid_links[2].pprev")).isEqualTo(2528 + 2 * 16 + 8);
    }

    @Test
    void memberPathsReachIntoNestedAndAnonymousMembers() {
        // mm_struct's members all sit in an anonymous struct; lru_gen is a named inline struct there
        assertThat(types.offsetOf("struct mm_struct", "mmap_base")).isEqualTo(32);
        assertThat(types.offsetOf("struct mm_struct", "lru_gen.bitmap")).isEqualTo(1064 + 16);
        assertThat(types.offsetOf("struct page", "pt_mm")).isEqualTo(32);
        assertThat(types.offsetOf("struct vm_area_struct", "shared.rb_subtree_last")).isEqualTo(40 + 24);
        assertThat(types.offsetOf("struct task_struct", "thread_info.cpu")).isEqualTo(20);
        assertThat(types.hasMember("struct task_struct", "thread_node")).isTrue();
        assertThat(types.hasMember("struct task_struct", "cpu")).isFalse(); // moved into thread_info in 5.16
        assertThat(types.sizeof("struct task_struct")).isEqualTo(9792);
        assertThat(types.sizeof("pid_t")).isEqualTo(4);
        assertThat(types.sizeof("unsigned long")).isEqualTo(8);
    }
}
