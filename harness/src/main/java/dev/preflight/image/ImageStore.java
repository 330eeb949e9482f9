package dev.preflight.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The local side of the registry: blobs by digest under a folder of the run dir, as a Docker
 * daemon keeps pulled images. ECR holds the manifests and tags; the artifact itself (the jar) only
 * lives here, so an image can be resolved only in the run that built it.
 *
 * <pre>
 *   manifests/&lt;hex&gt;.json      the manifest, keyed by its digest
 *   blobs/sha256/&lt;hex&gt;         config blob and layer (the jar), keyed by their digests
 * </pre>
 * Every write checks the content against its digest and lands with an atomic move, so concurrent
 * puts of the same image are harmless and a reader never sees half a file.
 */
public final class ImageStore {
    private final Path dir;

    public ImageStore(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }

    /** Stores the image (idempotent); its artifact is copied in unless it already is the stored blob. */
    public void put(Image image) {
        String manifestDigest = Sha256.of(image.manifest());
        if (!manifestDigest.equals(image.digest())) {
            throw new IllegalArgumentException("Image " + image.digest() + " cannot be stored: its manifest's sha256 is "
                    + manifestDigest + ". Fix: build images with ImageBuilder, which computes the digest from the manifest");
        }
        ImageManifest manifest = ImageManifest.parse(image.manifest());
        if (manifest.layers().size() != 1) {
            throw new IllegalArgumentException("Image " + image.digest() + " has " + manifest.layers().size()
                    + " layers; a process image has exactly one, its artifact");
        }
        byte[] config = ImageConfigBlob.serialize(image.config(), manifest.layers().stream().map(ImageManifest.Descriptor::digest).toList());
        if (!Sha256.of(config).equals(manifest.config().digest())) {
            throw new IllegalArgumentException("Image " + image.digest() + ": its config " + image.config()
                    + " does not match the config blob " + manifest.config().digest() + " its manifest names");
        }
        ImageManifest.Descriptor layer = manifest.layers().get(0);
        Path layerBlob = blob(layer.digest());
        try {
            if (!Files.exists(layerBlob)) {
                String artifactDigest = Sha256.of(image.artifact());
                if (!artifactDigest.equals(layer.digest())) {
                    throw new IllegalArgumentException("Image " + image.digest() + ": artifact " + image.artifact() + " has digest "
                            + artifactDigest + " but the manifest's layer is " + layer.digest()
                            + " (was the jar rebuilt after the image was built?). Fix: build the image again");
                }
                Path tmp = temp(layerBlob);
                Files.copy(image.artifact(), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, layerBlob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            write(blob(manifest.config().digest()), config);
            write(manifestFile(image.digest()), image.manifest().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store image " + image.digest() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The image with this manifest digest, its artifact being the stored blob; empty if not stored here. */
    public Optional<Image> get(String digest) {
        Path file = manifestFile(Sha256.requireValid(digest, "Image digest"));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            ImageManifest manifest = ImageManifest.parse(json);
            Path configBlob = blob(manifest.config().digest());
            Path layerBlob = blob(manifest.layers().get(0).digest());
            if (!Files.exists(configBlob) || !Files.exists(layerBlob)) {
                throw new IllegalStateException("Image store " + dir + " has the manifest of " + digest
                        + " but not its blobs (deleted while the run was going?). Fix: build and push the image again");
            }
            ImageConfig config = ImageConfigBlob.parse(Files.readAllBytes(configBlob));
            return Optional.of(new Image(digest, json, ImageManifest.MEDIA_TYPE, layerBlob, config));
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
}
