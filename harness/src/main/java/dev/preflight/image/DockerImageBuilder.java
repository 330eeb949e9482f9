package dev.preflight.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

/**
 * "docker build" with Docker, for container tasks: the Dockerfile as it is (RUN included), then the
 * release's ENV on top by a one-line second build ({@code FROM <id>} and {@code ENV}), which adds no
 * files. Base images are taken as Docker has them; one it lacks is pulled through Testcontainers' image
 * name substitution (a mirror prefix, or this project's local images) and tagged with the name the
 * Dockerfile uses, as a registry mirror would serve it.
 *
 * <p>The store (and so ECR) records its config and a manifest naming Docker's image id; the layers
 * stay in the Docker engine, which runs the tasks.
 */
public final class DockerImageBuilder implements Builder {
    private static final Pattern FROM = Pattern.compile("(?im)^\\s*FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    // Docker's ExposedPorts are {"8080/tcp": {}}: empty objects
    private static final ObjectMapper JSON = new ObjectMapper().disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final long BUILD_MINUTES = 15;

    private final ImageStore store;
    private final DockerClient docker;

    public DockerImageBuilder(ImageStore store) {
        this.store = store;
        this.docker = DockerClientFactory.instance().client();
    }

    @Override
    public Image build(ImageSource source, Map<String, String> env) {
        if (!(source instanceof ImageSource.FromDockerfile d)) {
            ImageSource.FromProcess p = (ImageSource.FromProcess) source;
            throw new ImageBuildException(p.workingDir(), 0, "the process form makes no container image, and tasks run as containers",
                    "give the repository a Dockerfile (build: { dockerfile, context }), or run tasks as processes (preflight.tasks=processes)");
        }
        String text = read(d.dockerfile());
        List<String> bases = baseImages(text);
        for (String base : bases) {
            ensureBase(base, d.dockerfile(), text);
        }
        String built = dockerBuild(d.dockerfile(), d.context());
        String id = env.isEmpty() ? built : withEnv(built, env, d.dockerfile());
        return record(id, bases.isEmpty() ? null : bases.get(bases.size() - 1));
    }

    /** The images the FROM lines name, stage names and {@code scratch} left out, in order. */
    static List<String> baseImages(String dockerfile) {
        List<String> stages = new ArrayList<>();
        List<String> images = new ArrayList<>();
        Matcher m = FROM.matcher(dockerfile);
        while (m.find()) {
            String image = m.group(1);
            if (!image.equalsIgnoreCase("scratch") && !stages.contains(image.toLowerCase())) {
                images.add(image);
            }
            if (m.group(2) != null) {
                stages.add(m.group(2).toLowerCase());
            }
        }
        return images;
    }

    private void ensureBase(String base, Path dockerfile, String text) {
        if (present(base)) {
            return;
        }
        String substitute = ImageNameSubstitutor.instance().apply(DockerImageName.parse(base)).asCanonicalNameString();
        try {
            if (!present(substitute)) {
                docker.pullImageCmd(substitute).start().awaitCompletion(BUILD_MINUTES, TimeUnit.MINUTES);
            }
            if (!substitute.equals(base)) {
                DockerImageName name = DockerImageName.parse(base);
                docker.tagImageCmd(substitute, name.getUnversionedPart(), name.getVersionPart()).exec();
            }
        } catch (DockerException | DockerClientException e) {
            throw new ImageBuildException(dockerfile, lineOf(text, base), "base image " + base + " is not in the Docker engine and cannot be pulled ("
                    + (substitute.equals(base) ? "" : "as " + substitute + ", ") + e.getMessage() + ")",
                    "docker pull it, set TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX to a mirror that has it, or run scripts/docker-engine.sh"
                            + " (it builds this project's local images)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageBuildException(dockerfile, lineOf(text, base), "interrupted while pulling " + base, "run the build again", e);
        }
    }

    private boolean present(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private String dockerBuild(Path dockerfile, Path context) {
        try {
            String shortId = docker.buildImageCmd().withDockerfile(dockerfile.toFile()).withBaseDirectory(context.toFile()).withPull(false)
                    .exec(new BuildImageResultCallback()).awaitImageId(BUILD_MINUTES, TimeUnit.MINUTES);
            return docker.inspectImageCmd(shortId).exec().getId(); // the full sha256:... id, the config's digest
        } catch (DockerException | DockerClientException e) {
            throw new ImageBuildException(dockerfile, 0, "docker build failed: " + e.getMessage(),
                    "run 'docker build -f " + dockerfile + " " + context + "' to see the failing step, and fix it");
        }
    }

    /** A second build that only sets ENV: the release's APP_VERSION and switches, as a last ENV line. */
    private String withEnv(String imageId, Map<String, String> env, Path dockerfile) {
        StringBuilder text = new StringBuilder("FROM ").append(imageId).append('\n');
        env.forEach((k, v) -> text.append("ENV ").append(k).append('=').append(quote(v)).append('\n'));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("preflight-env-build");
            Path file = dir.resolve("Dockerfile");
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
            return dockerBuild(file, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the ENV build of " + dockerfile + ": " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                dev.preflight.engine.ProcessLedger.deleteTree(dir);
            }
        }
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
    }

    /**
     * Records the image as the store holds it: its config (how to run it, and its layers by their diff
     * ids, from Docker's inspect) and a manifest that names Docker's image id. Nothing is copied out of
     * Docker: a {@code docker save} of a few hundred megabytes per release would cost more than the build.
     */
    private Image record(String imageId, String baseImage) {
        InspectImageResponse inspect = docker.inspectImageCmd(imageId).exec();
        ImageConfig config;
        try {
            config = ImageConfigBlob.parse(JSON.writeValueAsBytes(Map.of("config", inspect.getConfig())));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read Docker's config of image " + imageId + ": " + e.getMessage(), e);
        }
        List<String> diffIds = inspect.getRootFS() == null || inspect.getRootFS().getLayers() == null ? List.of()
                : inspect.getRootFS().getLayers();
        byte[] blob = ImageConfigBlob.serialize(config, diffIds);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ImageManifest.LAYERS_IN_DOCKER, imageId);
        if (baseImage != null) {
            annotations.put(ImageManifest.BASE_NAME, baseImage);
        }
        String json = new ImageManifest(new ImageManifest.Descriptor(ImageManifest.CONFIG_MEDIA_TYPE, blob.length, Sha256.of(blob)),
                List.of(), annotations).toJson();
        String digest = Sha256.of(json);
        store.putDockerImage(digest, json, blob);
        return store.get(digest).orElseThrow(() -> new IllegalStateException("Image " + digest + " was stored but cannot be read back"));
    }

    private static String read(Path dockerfile) {
        try {
            return Files.readString(dockerfile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageBuildException(dockerfile, 0, "cannot read the Dockerfile: " + e.getMessage(), "check the path in build.dockerfile");
        }
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        return 0;
    }
}
