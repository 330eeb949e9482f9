package dev.preflight.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * File writing for the report folder. Several test classes (threads of one JVM) and several forks
 * (JVMs) may write into one folder at once: every change happens under a lock that is both a JVM
 * monitor and an OS file lock, and files are replaced atomically so a reader never sees half a page.
 */
final class ReportFiles {
    private static final Object JVM_LOCK = new Object();
    static final String LOCK_FILE = ".preflight-report.lock";

    interface IoAction<T> {
        T run() throws IOException;
    }

    private ReportFiles() {
    }

    static <T> T locked(Path dir, IoAction<T> action) {
        try {
            Files.createDirectories(dir);
            // the monitor first: a FileLock is held per JVM, so threads would otherwise collide on it
            synchronized (JVM_LOCK) {
                try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    return action.run();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report in " + dir.toAbsolutePath() + ": " + e, e);
        }
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".part");
        try {
            Files.write(temp, content);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
