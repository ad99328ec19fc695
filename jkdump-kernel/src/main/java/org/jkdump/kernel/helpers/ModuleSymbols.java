package org.jkdump.kernel.helpers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.ModuleList;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.symbols.Symbol;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * The symbols of the loaded modules, as the kernel's {@code /proc/kallsyms} lists them: each
 * module's own ELF symbol table kept after loading ({@code module.kallsyms}, a
 * {@code struct mod_kallsyms} with {@code symtab}, {@code num_symtab}, {@code strtab} and,
 * since 4.x, {@code typetab} holding nm's type letter per symbol). The null symbol, undefined
 * ones and unnamed ones are left out, as kallsyms leaves them out.
 *
 * <p>It reads through the kernel image's own symbol table ({@code modules}) and the BTF types,
 * so that {@link org.jkdump.kernel.Kernel#symbols()} can merge the result into the table it
 * hands out.
 */
public final class ModuleSymbols {
    // Elf64_Sym (the ELF ABI, not a kernel structure): st_name u32, st_info u8, st_other u8,
    // st_shndx u16, st_value u64, st_size u64.
    private static final int ELF64_SYM_SIZE = 24, ST_NAME = 0, ST_INFO = 4, ST_SHNDX = 6, ST_VALUE = 8, ST_SIZE = 16;
    private static final int SHN_UNDEF = 0;
    /** Far above the largest module (amdgpu has ~30,000 symbols), far below a heap problem. */
    private static final long MAX_SYMBOLS = 1 << 20;
    private static final int MAX_NAME = 512;

    private ModuleSymbols() {
    }

    /**
     * Every module's symbols, each carrying its module's name.
     *
     * @param image  the kernel image's symbols (for {@code modules})
     * @throws JkdumpException when the module list or a module's symbol table cannot be read
     *                         or claims impossible sizes
     */
    public static List<Symbol> read(SymbolTable image, Types types, KernelMemory memory) {
        var head = image.address("modules");
        if (head.isEmpty()) return List.of();  // a kernel built without modules
        long h = head.getAsLong();
        long listOff = types.offsetOf("struct module", "list");
        var out = new ArrayList<Symbol>();
        for (long node : ModuleList.nodes(memory, h, null)) readModule(KObject.at(types, memory, "struct module", node - listOff), out);
        return out;
    }

    private static void readModule(KObject mod, List<Symbol> out) {
        var name = mod.member("name").asString();
        long ks = mod.member("kallsyms").asUnsigned();
        if (ks == 0) return;
        var kallsyms = mod.member("kallsyms").deref();
        long symtab = kallsyms.member("symtab").asUnsigned();
        long count = kallsyms.member("num_symtab").asUnsigned();
        long strtab = kallsyms.member("strtab").asUnsigned();
        long typetab = kallsyms.hasMember("typetab") ? kallsyms.member("typetab").asUnsigned() : 0;
        if (count > MAX_SYMBOLS)
            throw new JkdumpException(String.format("module %s at 0x%x: its mod_kallsyms at 0x%x claims %d symbols", name, mod.address(), ks, count));
        if (count == 0) return;
        var memory = mod.memory();
        var raw = ByteBuffer.wrap(memory.read(symtab, (int) count * ELF64_SYM_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] typeLetters = typetab != 0 ? memory.read(typetab, (int) count) : null;
        var moduleName = Optional.of(name);
        for (int i = 1; i < count; i++) {  // entry 0 is ELF's null symbol
            int at = i * ELF64_SYM_SIZE;
            if (Short.toUnsignedInt(raw.getShort(at + ST_SHNDX)) == SHN_UNDEF) continue;
            long nameOff = Integer.toUnsignedLong(raw.getInt(at + ST_NAME));
            if (nameOff == 0) continue;
            var symName = memory.cString(strtab + nameOff, MAX_NAME);
            if (symName.isEmpty()) continue;
            // before typetab the kernel stored nm's letter in st_info itself
            char type = (char) ((typeLetters != null ? typeLetters[i] : raw.get(at + ST_INFO)) & 0xff);
            if (!Character.isLetter(type)) type = '?';
            long size = raw.getLong(at + ST_SIZE);
            out.add(new Symbol(symName, raw.getLong(at + ST_VALUE), type,
                    size > 0 ? OptionalLong.of(size) : OptionalLong.empty(), moduleName));
        }
    }
}
