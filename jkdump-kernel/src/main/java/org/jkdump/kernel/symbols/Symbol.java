package org.jkdump.kernel.symbols;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One kernel symbol as nm, System.map and /proc/kallsyms show it: a name, its runtime
 * (relocated) address, nm's type letter, its size where the source records one (a vmlinux
 * symbol table does; kallsyms and System.map do not) and the module it belongs to, empty
 * for the kernel image itself.
 *
 * <p>The type letter follows nm: {@code T/t} text, {@code D/d} data, {@code B/b} bss,
 * {@code R/r} read-only data, {@code A/a} absolute, {@code V/v W/w} weak; upper case is
 * global, lower case local.
 *
 * @param name    the symbol's name
 * @param address the runtime virtual address (KASLR already applied)
 * @param type    nm's type letter
 * @param size    the size in bytes where the source knows it
 * @param module  the module's name, empty for the kernel image
 */
public record Symbol(String name, long address, char type, OptionalLong size, Optional<String> module) {

    public Symbol {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(module, "module");
    }

    /** A kernel-image symbol of unknown size. */
    public static Symbol of(String name, long address, char type) {
        return new Symbol(name, address, type, OptionalLong.empty(), Optional.empty());
    }

    /** Text: code in {@code .text} and the other executable sections (nm's T, t, W, w). */
    public boolean isText() {
        char t = Character.toLowerCase(type);
        return t == 't' || t == 'w';
    }

    /** Global binding: nm prints the letter in upper case. */
    public boolean isGlobal() {
        return Character.isUpperCase(type);
    }

    /** Absolute: a value, not an address in a section (nm's A, a). */
    public boolean isAbsolute() {
        return Character.toLowerCase(type) == 'a';
    }

    /** This symbol moved by {@code delta} (a KASLR slide). */
    public Symbol movedBy(long delta) {
        return new Symbol(name, address + delta, type, size, module);
    }

    /** This symbol as part of module {@code name}. */
    public Symbol inModule(String moduleName) {
        return new Symbol(name, address, type, size, Optional.of(moduleName));
    }

    /** The name as crash prints it: {@code name}, or {@code name [module]} for a module symbol. */
    public String displayName() {
        return module.map(m -> name + " [" + m + "]").orElse(name);
    }

    @Override
    public String toString() {
        return "%016x (%c) %s".formatted(address, type, displayName());
    }
}
