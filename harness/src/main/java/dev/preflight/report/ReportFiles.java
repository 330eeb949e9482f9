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
import java.nio.file.attribute.PosixFilePermissions;

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
                        StandardOpenOption.WRITE)) {
                    FileLock lock = osLock(channel);
                    try {
                        return action.run();
                    } finally {
                        if (lock != null) {
                            lock.release();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report in " + dir.toAbsolutePath() + ": " + e, e);
        }
    }

    /** Null where the file system has no locks (some network mounts): then only this JVM is serialized. */
    private static FileLock osLock(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException e) {
            return null;
        }
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".part");
        try {
            Files.write(temp, content);
            readableByAll(temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Temp files are private; a report is meant to be opened by anyone, e.g. from a CI artifact. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }
}
