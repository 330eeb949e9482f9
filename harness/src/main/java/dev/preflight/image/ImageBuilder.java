package dev.preflight.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * "docker build" without Docker: the image is the jar (its one layer) plus a config saying how to
 * run it, described by a Docker v2 schema 2 manifest whose sha256 is the image digest. Content
 * addressed: the same jar and config always give the same digest; any change to either (a
 * different APP_VERSION, a behaviour switch) gives another.
 */
public final class ImageBuilder {
    private final ImageStore store;

    public ImageBuilder(ImageStore store) {
        this.store = store;
    }

    /** Builds and stores the image; the returned image's artifact is the stored copy of the jar. */
    public Image build(Path appJar, ImageConfig config) {
        if (!Files.isRegularFile(appJar)) {
            throw new IllegalArgumentException("Cannot build an image: artifact " + appJar.toAbsolutePath()
                    + " does not exist. Fix: build it first (for the sample app: mvn -pl fixtures/app -am package -DskipTests)");
        }
        long layerSize;
        try {
            layerSize = Files.size(appJar);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + appJar, e);
        }
        String layerDigest = Sha256.of(appJar);
        byte[] configBlob = ImageConfigBlob.serialize(config, List.of(layerDigest));
        ImageManifest manifest = new ImageManifest(
                new ImageManifest.Descriptor(ImageManifest.CONFIG_MEDIA_TYPE, configBlob.length, Sha256.of(configBlob)),
                List.of(new ImageManifest.Descriptor(ImageManifest.JAR_LAYER_MEDIA_TYPE, layerSize, layerDigest)));
        String json = manifest.toJson();
        Image image = new Image(Sha256.of(json), json, ImageManifest.MEDIA_TYPE, appJar, config);
        store.put(image);
        return store.get(image.digest()).orElseThrow(() -> new IllegalStateException(
                "Image " + image.digest() + " was stored in " + store.dir() + " but cannot be read back"));
    }
}
