package dev.preflight.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Small jars made by the tests, with fixed entry times so the same content gives the same bytes. */
public final class TestJars {
    private static final long FIXED_TIME = 946_684_800_000L; // 2000-01-01

    private TestJars() {
    }

    /** A runnable jar of one class (no nested classes), started with java -jar. */
    public static Path runnable(Path jar, Class<?> mainClass) throws IOException {
        String entry = mainClass.getName().replace('.', '/') + ".class";
        try (InputStream in = mainClass.getClassLoader().getResourceAsStream(entry);
             JarOutputStream out = open(jar, mainClass.getName())) {
            if (in == null) {
                throw new IOException("Class file " + entry + " not found on the test classpath");
            }
            put(out, entry, in.readAllBytes());
        }
        return jar;
    }

    private static JarOutputStream open(Path jar, String mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        JarEntry entry = new JarEntry("META-INF/MANIFEST.MF");
        entry.setTime(FIXED_TIME);
        out.putNextEntry(entry);
        manifest.write(out);
        out.closeEntry();
        return out;
    }

    private static void put(JarOutputStream out, String name, byte[] content) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setTime(FIXED_TIME);
        out.putNextEntry(entry);
        out.write(content);
        out.closeEntry();
    }
}
