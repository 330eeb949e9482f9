package dev.preflight.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * "docker build" without Docker. From a Dockerfile: its final stage's config, and one layer per COPY or
 * ADD (a tar of what it copies from the build context); from the process form: one layer of the working
 * folder's files and the command as the entrypoint. Extra ENV entries (the release's APP_VERSION, the
 * switches of a bad release) go on top of the image's own, as a last ENV line would. The image is described
 * by an OCI manifest whose sha256 is its digest: the same files and config always give the same digest, and
 * any change to either gives another.
 */
public final class ImageBuilder implements Builder {
    private final ImageStore store;

    public ImageBuilder(ImageStore store) {
        this.store = store;
    }

    public Image build(ImageSource source) {
        return build(source, Map.of());
    }

    @Override
    public Image build(ImageSource source, Map<String, String> env) {
        List<ImageManifest.Descriptor> layers = new ArrayList<>();
        ImageConfig config;
        String baseImage;
        if (source instanceof ImageSource.FromDockerfile d) {
            Dockerfile dockerfile = Dockerfile.read(d.dockerfile());
            BuildContext context = BuildContext.of(d.context(), d.dockerfile());
            Set<String> folders = new HashSet<>(Set.of("/"));
            for (Dockerfile.Copy copy : dockerfile.copies()) {
                layers.add(layer(context.entries(copy, folders)));
            }
            config = dockerfile.config();
            baseImage = dockerfile.baseImage();
        } else {
            ImageSource.FromProcess p = (ImageSource.FromProcess) source;
            SortedMap<String, BuildContext.Entry> files = BuildContext.plain(p.workingDir()).files(p.files());
            if (files.isEmpty()) {
                throw new ImageBuildException(p.workingDir(), 0, "no file of the working folder matches " + (p.files().isEmpty() ? "(all files)" : p.files()),
                        "name the files that make the image in build.process.files, relative to workingDir");
            }
            layers.add(layer(files));
            config = ImageConfig.of(p.command(), Map.of());
            baseImage = null;
        }
        config = config.withEnv(new LinkedHashMap<>(env));
        byte[] configBlob = ImageConfigBlob.serialize(config, layers.stream().map(ImageManifest.Descriptor::digest).toList());
        ImageManifest manifest = new ImageManifest(
                new ImageManifest.Descriptor(ImageManifest.CONFIG_MEDIA_TYPE, configBlob.length, Sha256.of(configBlob)), layers,
                baseImage == null ? Map.of() : Map.of(ImageManifest.BASE_NAME, baseImage));
        String json = manifest.toJson();
        String digest = Sha256.of(json);
        List<Path> layerFiles = layers.stream().map(l -> store.dir().resolve("blobs/sha256").resolve(Sha256.hex(l.digest()))).toList();
        store.put(new Image(digest, json, ImageManifest.MEDIA_TYPE, layerFiles, config, baseImage));
        return store.get(digest).orElseThrow(() -> new IllegalStateException(
                "Image " + digest + " was stored in " + store.dir() + " but cannot be read back"));
    }

    private ImageManifest.Descriptor layer(SortedMap<String, BuildContext.Entry> entries) {
        return store.putBlob(ImageManifest.LAYER_MEDIA_TYPE, out -> LayerTar.write(entries, out));
    }
}
