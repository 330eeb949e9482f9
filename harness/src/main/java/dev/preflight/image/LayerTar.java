package dev.preflight.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A layer as an uncompressed tar ({@code application/vnd.oci.image.layer.v1.tar}), written so that the same
 * files give the same bytes: entries sorted by path, every time 0 (1970-01-01, as reproducible builds do),
 * owner root, modes 0755 for folders and executables, 0644 otherwise (or COPY --chmod). Its sha256 is the
 * layer's digest and, uncompressed, also its diff id.
 */
public final class LayerTar {
    private static final int FILE_TYPE = 0100000;
    private static final int FOLDER_TYPE = 0040000;
    private static final int LINK_TYPE = 0120000;

    private LayerTar() {
    }

    static void write(SortedMap<String, BuildContext.Entry> entries, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (BuildContext.Entry e : entries.values()) {
            TarArchiveEntry entry = switch (e.type()) {
                case FOLDER -> new TarArchiveEntry(e.path() + "/", TarConstants.LF_DIR);
                case SYMLINK -> new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
                case FILE -> new TarArchiveEntry(e.path(), TarConstants.LF_NORMAL);
            };
            entry.setModTime(0);
            entry.setIds(0, 0);
            entry.setNames("", "");
            switch (e.type()) {
                case FOLDER -> entry.setMode(FOLDER_TYPE | e.mode());
                case SYMLINK -> {
                    entry.setMode(LINK_TYPE | 0777);
                    entry.setLinkName(e.linkTarget());
                }
                case FILE -> {
                    entry.setMode(FILE_TYPE | e.mode());
                    entry.setSize(Files.size(e.source()));
                }
            }
            tar.putArchiveEntry(entry);
            if (e.type() == BuildContext.Entry.Type.FILE) {
                Files.copy(e.source(), tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish(); // the two zero blocks; the caller closes the stream
        tar.flush();
    }

    /**
     * Unpacks a layer into {@code root}, over what earlier layers put there (a later file replaces an earlier
     * one). Files are made read-only (a root is shared by the tasks of its image); an absolute link target is
     * taken inside the root.
     */
    public static void extract(Path layer, Path root) {
        Path base = root.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(layer);
             TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path target = base.resolve(entry.getName()).normalize();
                if (!target.startsWith(base)) {
                    throw new IllegalArgumentException("Layer " + layer + " has an entry outside its root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode() | 0700));
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    String link = entry.getLinkName();
                    Files.createSymbolicLink(target, link.startsWith("/") ? base.resolve(link.substring(1)) : Path.of(link));
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(target);
                    }
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode() & ~0222));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack layer " + layer + " into " + root + ": " + e.getMessage(), e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
