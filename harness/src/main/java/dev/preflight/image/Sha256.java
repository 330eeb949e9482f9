package dev.preflight.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests in the registry's form, {@code sha256:<64 hex>}. */
final class Sha256 {
    static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private Sha256() {
    }

    static String of(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    static String of(Path file) {
        MessageDigest md = digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " to compute its digest", e);
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /** The hex part, used as a file name in the store. */
    static String hex(String digest) {
        requireValid(digest, "digest");
        return digest.substring("sha256:".length());
    }

    static String requireValid(String digest, String what) {
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException(what + " '" + digest + "' is not a digest of the form sha256:<64 lowercase hex digits>");
        }
        return digest;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
