import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step of the fat jar: rewrites the classes that libraries still compile for Java 5
 * (picocli, slf4j, commons-logging: class-file version 49) as version 52 with stack maps.
 *
 * <p>Why: the JVM's class-data sharing and AOT cache skip every class older than version 50,
 * and picocli's ~230 classes are loaded on every run of jkdump, so without this they are read,
 * parsed and verified from the jar each time (~0.1 s of a 0.2 s {@code jkdump dmesg}). The
 * bytecode is unchanged; the ClassFile API re-emits each method and computes its stack map
 * frames. Version 52 rather than 50 (the first with stack maps): at 50 a wrong frame would fall
 * back to the old verifier silently, and the class would again be left out of the cache; at 52
 * it is a VerifyError that the tests see.
 *
 * <p>Run by the build in source-launcher mode: {@code java UpgradeOldClasses.java JAR}; the jar
 * is replaced in place, its entries kept in order with their times.
 */
public final class UpgradeOldClasses {
    private static final int STACK_MAPS_REQUIRED = ClassFile.JAVA_8_VERSION;
    private static final int FIRST_WITH_STACK_MAPS = ClassFile.JAVA_6_VERSION;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: UpgradeOldClasses JAR");
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        try (var in = new ZipFile(jar.toFile());
             var loader = new URLClassLoader(new java.net.URL[]{jar.toUri().toURL()}, null);
             var out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            // Stack map frames merge types, so the generator must know the class hierarchy:
            // the JDK's own classes, then the jar's, read as class files (never loaded).
            var classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            ClassTransform setVersion = (builder, element) -> {
                if (element instanceof ClassFileVersion) builder.withVersion(STACK_MAPS_REQUIRED, 0);
                else builder.with(element);
            };
            var rewrite = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL).andThen(setVersion);
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] bytes;
                try (var data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    var model = classFile.parse(bytes);
                    if (model.majorVersion() < FIRST_WITH_STACK_MAPS) {
                        bytes = classFile.transformClass(model, rewrite);
                        upgraded++;
                    }
                }
                var copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("UpgradeOldClasses: " + upgraded + " classes of " + jar.getFileName() + " now carry stack maps (version 52)");
    }
}
