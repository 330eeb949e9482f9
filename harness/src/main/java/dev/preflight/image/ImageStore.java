package dev.preflight.image;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The local side of the registry: blobs by digest under a folder of the run dir, as a Docker daemon
 * keeps pulled images. ECR holds the manifests and tags; the layers themselves only live here, so an
 * image can be resolved only in the run that built it.
 *
 * <pre>
 *   manifests/&lt;hex&gt;.json      the manifest, keyed by its digest
 *   blobs/sha256/&lt;hex&gt;         config blob and layers (tars), keyed by their digests
 * </pre>
 * Every write checks the content against its digest and lands with an atomic move, so concurrent
 * puts of the same image are harmless and a reader never sees half a file.
 */
public final class ImageStore {
    /** Writes a blob's bytes. */
    interface BlobWriter {
        void write(OutputStream out) throws IOException;
    }

    private final Path dir;

    public ImageStore(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }

    /** Writes a layer (or any blob) through {@code writer} and stores it under its digest. */
    ImageManifest.Descriptor putBlob(String mediaType, BlobWriter writer) {
        try {
            Path blobs = dir.resolve("blobs").resolve("sha256");
            Files.createDirectories(blobs);
            Path tmp = Files.createTempFile(blobs, "blob", ".tmp");
            MessageDigest md = sha256();
            try {
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                    writer.write(out);
                }
                String digest = "sha256:" + HexFormat.of().formatHex(md.digest());
                long size = Files.size(tmp);
                Path target = blob(digest);
                if (Files.exists(target)) {
                    Files.delete(tmp); // content-addressed: the same bytes are there already
                } else {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                return new ImageManifest.Descriptor(mediaType, size, digest);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store a blob in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Stores the image (idempotent); layers not yet here are copied in from the image's own files. */
    public void put(Image image) {
        if (ImageManifest.parse(image.manifest()).layersInDocker()) {
            if (get(image.digest()).isEmpty()) {
                throw new IllegalArgumentException("Image " + image.digest() + " was built with Docker in another run: its config is not here."
                        + " Fix: build it in this run");
            }
            return; // stored when it was built
        }
        String manifestDigest = Sha256.of(image.manifest());
        if (!manifestDigest.equals(image.digest())) {
            throw new IllegalArgumentException("Image " + image.digest() + " cannot be stored: its manifest's sha256 is "
                    + manifestDigest + ". Fix: build images with ImageBuilder, which computes the digest from the manifest");
        }
        ImageManifest manifest = ImageManifest.parse(image.manifest());
        if (manifest.layers().size() != image.layers().size()) {
            throw new IllegalArgumentException("Image " + image.digest() + " has " + image.layers().size() + " layer files but its manifest names "
                    + manifest.layers().size());
        }
        List<String> diffIds = manifest.layers().stream().map(ImageManifest.Descriptor::digest).toList();
        byte[] config = ImageConfigBlob.serialize(image.config(), diffIds);
        if (!Sha256.of(config).equals(manifest.config().digest())) {
            throw new IllegalArgumentException("Image " + image.digest() + ": its config " + image.config()
                    + " does not match the config blob " + manifest.config().digest() + " its manifest names");
        }
        try {
            for (int i = 0; i < diffIds.size(); i++) {
                Path layerBlob = blob(diffIds.get(i));
                if (!Files.exists(layerBlob)) {
                    Path source = image.layers().get(i);
                    String actual = Sha256.of(source);
                    if (!actual.equals(diffIds.get(i))) {
                        throw new IllegalArgumentException("Image " + image.digest() + ": layer " + source + " has digest " + actual
                                + " but the manifest names " + diffIds.get(i) + ". Fix: build the image again");
                    }
                    Path tmp = temp(layerBlob);
                    Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, layerBlob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            write(blob(manifest.config().digest()), config);
            write(manifestFile(image.digest()), image.manifest().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store image " + image.digest() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores an image built with Docker: its manifest (naming the Docker image id) and its config; its
     * layers stay in the Docker engine.
     */
    public void putDockerImage(String digest, String manifestJson, byte[] config) {
        ImageManifest manifest = ImageManifest.parse(manifestJson);
        if (!Sha256.of(manifestJson).equals(digest) || !Sha256.of(config).equals(manifest.config().digest()) || !manifest.layersInDocker()) {
            throw new IllegalArgumentException("Image " + digest + " is not a Docker-built image with its own config");
        }
        try {
            write(blob(manifest.config().digest()), config);
            write(manifestFile(digest), manifestJson.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store image " + digest + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The image with this manifest digest, its layers being the stored blobs; empty if not stored here. */
    public Optional<Image> get(String digest) {
        Path file = manifestFile(Sha256.requireValid(digest, "Image digest"));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            ImageManifest manifest = ImageManifest.parse(json);
            Path configBlob = blob(manifest.config().digest());
            List<Path> layers = new ArrayList<>();
            if (!manifest.layersInDocker()) {
                for (ImageManifest.Descriptor layer : manifest.layers()) {
                    layers.add(blob(layer.digest()));
                }
            }
            if (!Files.exists(configBlob) || !layers.stream().allMatch(Files::exists)) {
                throw new IllegalStateException("Image store " + dir + " has the manifest of " + digest
                        + " but not all its blobs (deleted while the run was going?). Fix: build and push the image again");
            }
            ImageConfig config = ImageConfigBlob.parse(Files.readAllBytes(configBlob));
            return Optional.of(new Image(digest, json, ImageManifest.MEDIA_TYPE, layers, config, manifest.baseImage()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read image " + digest + " from " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Digests of every stored image, for messages that list what there is. */
    public List<String> digests() {
        Path manifests = dir.resolve("manifests");
        if (!Files.isDirectory(manifests)) {
            return List.of();
        }
        try (var files = Files.list(manifests)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> "sha256:" + n.substring(0, n.length() - ".json".length()))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path blob(String digest) {
        return dir.resolve("blobs").resolve("sha256").resolve(Sha256.hex(digest));
    }

    private Path manifestFile(String digest) {
        return dir.resolve("manifests").resolve(Sha256.hex(digest) + ".json");
    }

    private static void write(Path target, byte[] content) throws IOException {
        if (Files.exists(target)) {
            return; // content-addressed: same name, same bytes
        }
        Path tmp = temp(target);
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path temp(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
