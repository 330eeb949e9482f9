package dev.preflight.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
    @TempDir
    Path dir;

    @Test
    void sameInputsGiveTheSameDigestWhateverTheStore() throws Exception {
        Path jar = TestJars.withText(dir.resolve("app.jar"), "v1");
        Image a = new ImageBuilder(new ImageStore(dir.resolve("store-a"))).build(jar, ImageConfig.javaJar(Map.of("APP_VERSION", "v1", "X", "1")));
        // Same content in another order and another store: the same image.
        java.util.LinkedHashMap<String, String> reordered = new java.util.LinkedHashMap<>();
        reordered.put("X", "1");
        reordered.put("APP_VERSION", "v1");
        Image b = new ImageBuilder(new ImageStore(dir.resolve("store-b"))).build(TestJars.withText(dir.resolve("copy.jar"), "v1"),
                ImageConfig.javaJar(reordered));

        assertThat(a.digest()).matches("sha256:[0-9a-f]{64}").isEqualTo(b.digest());
        assertThat(a.manifest()).isEqualTo(b.manifest());
    }

    @Test
    void aDifferentEnvOrJarGivesAnotherDigest() throws Exception {
        Path jar = TestJars.withText(dir.resolve("app.jar"), "v1");
        ImageBuilder builder = new ImageBuilder(new ImageStore(dir.resolve("store")));
        ImageConfig good = ImageConfig.javaJar(Map.of("APP_VERSION", "v2"));
        Image v2 = builder.build(jar, good);
        Image bad = builder.build(jar, good.withEnv(Map.of("APP_HEALTH_FAIL", "true")));
        Image otherJar = builder.build(TestJars.withText(dir.resolve("other.jar"), "v2"), good);

        assertThat(bad.digest()).isNotEqualTo(v2.digest());
        assertThat(otherJar.digest()).isNotEqualTo(v2.digest());
        assertThat(bad.config().env()).containsEntry("APP_HEALTH_FAIL", "true").containsEntry("APP_VERSION", "v2");
    }

    @Test
    void theManifestIsADockerV2Schema2ManifestWhoseSha256IsTheDigest() throws Exception {
        Path jar = TestJars.withText(dir.resolve("app.jar"), "hello");
        ImageStore store = new ImageStore(dir.resolve("store"));
        Image image = new ImageBuilder(store).build(jar, ImageConfig.javaJar(Map.of("APP_VERSION", "v1")));

        JsonNode manifest = new ObjectMapper().readTree(image.manifest());
        assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(image.manifestMediaType()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(Sha256.of(image.manifest())).isEqualTo(image.digest());

        JsonNode config = manifest.path("config");
        assertThat(config.path("mediaType").asText()).isEqualTo("application/vnd.docker.container.image.v1+json");
        byte[] configBlob = Files.readAllBytes(store.dir().resolve("blobs/sha256/" + Sha256.hex(config.path("digest").asText())));
        assertThat(config.path("size").asLong()).isEqualTo(configBlob.length);
        assertThat(Sha256.of(configBlob)).isEqualTo(config.path("digest").asText());
        JsonNode configJson = new ObjectMapper().readTree(configBlob);
        assertThat(configJson.at("/config/Env/0").asText()).isEqualTo("APP_VERSION=v1");
        assertThat(configJson.at("/config/Entrypoint/0").asText()).isEqualTo("java");

        assertThat(manifest.path("layers")).hasSize(1);
        JsonNode layer = manifest.path("layers").get(0);
        assertThat(layer.path("mediaType").asText()).isEqualTo("application/java-archive");
        assertThat(layer.path("size").asLong()).isEqualTo(Files.size(jar));
        assertThat(layer.path("digest").asText()).isEqualTo(Sha256.of(jar)).isEqualTo(configJson.at("/rootfs/diff_ids/0").asText());
    }

    @Test
    void theStoreKeepsItsOwnCopyOfTheArtifactAndReadsImagesBack() throws Exception {
        Path jar = TestJars.withText(dir.resolve("app.jar"), "v1");
        Image built = new ImageBuilder(new ImageStore(dir.resolve("store"))).build(jar,
                new ImageConfig(List.of("java", "-jar", ImageConfig.ARTIFACT), Map.of("APP_VERSION", "v1"), Map.of("team", "checkout")));
        // The source jar is rebuilt afterwards: the image must not change with it.
        Files.writeString(jar, "rebuilt", StandardCharsets.UTF_8);

        Image read = new ImageStore(dir.resolve("store")).get(built.digest()).orElseThrow();
        assertThat(read).isEqualTo(built);
        assertThat(read.artifact()).startsWith(dir.resolve("store"));
        assertThat(Sha256.of(read.artifact())).isNotEqualTo(Sha256.of(jar));
        assertThat(read.config().labels()).containsEntry("team", "checkout");
        assertThat(new ImageStore(dir.resolve("store")).digests()).containsExactly(built.digest());
        assertThat(new ImageStore(dir.resolve("store")).get("sha256:" + "0".repeat(64))).isEmpty();
    }

    @Test
    void badInputIsNamed() {
        ImageBuilder builder = new ImageBuilder(new ImageStore(dir.resolve("store")));
        assertThatThrownBy(() -> builder.build(dir.resolve("missing.jar"), ImageConfig.javaJar(Map.of())))
                .hasMessageContaining("missing.jar").hasMessageContaining("does not exist").hasMessageContaining("Fix");
        assertThatThrownBy(() -> new ImageStore(dir).get("latest")).hasMessageContaining("'latest' is not a digest");
        assertThatThrownBy(() -> new ImageConfig(List.of(), Map.of(), Map.of())).hasMessageContaining("entrypoint");
    }
}
