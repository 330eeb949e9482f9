package dev.preflight.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images from a Dockerfile and its context, or from the process form: layers, config and manifest, content addressed. */
class ImageBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A small Node-like context: a Dockerfile, sources, a folder, files .dockerignore leaves out. */
    private Path context(String name) throws IOException {
        Path ctx = dir.resolve(name);
        write(ctx.resolve("Dockerfile"), """
                FROM node:20-alpine
                WORKDIR /srv
                COPY package.json ./
                COPY src/ ./src/
                COPY --chmod=755 bin/start.sh /usr/local/bin/start
                COPY static/*.css /srv/public/
                ENV NODE_ENV=production
                EXPOSE 3000
                LABEL team=checkout
                CMD ["node", "src/server.js"]
                """);
        write(ctx.resolve("package.json"), "{\"name\": \"web\"}");
        write(ctx.resolve("src/server.js"), "console.log('hi')");
        write(ctx.resolve("src/lib/util.js"), "module.exports = {}");
        write(ctx.resolve("src/lib/util.js.map"), "{}");
        write(ctx.resolve("src/notes.tmp"), "scratch");
        write(ctx.resolve("bin/start.sh"), "#!/bin/sh\nexec node src/server.js\n");
        write(ctx.resolve("static/site.css"), "body {}");
        write(ctx.resolve("static/print.css"), "@media print {}");
        write(ctx.resolve("static/logo.png"), "png");
        write(ctx.resolve(".dockerignore"), "# build output and scratch files\n**/*.tmp\nsrc/**/*.map\n");
        return ctx;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static ImageSource dockerfile(Path context) {
        return new ImageSource.FromDockerfile(context.resolve("Dockerfile"), context);
    }

    @Test
    void oneLayerPerCopyWithTheFilesAtTheirImagePaths() throws Exception {
        Path ctx = context("web");
        ImageStore store = new ImageStore(dir.resolve("store"));
        Image image = new ImageBuilder(store).build(dockerfile(ctx), Map.of("APP_VERSION", "v1"));

        assertThat(image.layers()).hasSize(4);
        assertThat(image.baseImage()).isEqualTo("node:20-alpine");
        assertThat(entries(image.layers().get(0))).containsExactly("srv/", "srv/package.json");
        assertThat(entries(image.layers().get(1))).as(".dockerignore leaves out *.tmp at any depth and the source maps")
                .containsExactly("srv/", "srv/src/", "srv/src/lib/", "srv/src/lib/util.js", "srv/src/server.js");
        assertThat(entries(image.layers().get(2))).containsExactly("usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/start");
        assertThat(entries(image.layers().get(3))).containsExactly("srv/", "srv/public/", "srv/public/print.css", "srv/public/site.css");

        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(image.layers().get(2)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                assertThat(e.getModTime().getTime()).as("time of %s", e.getName()).isZero();
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getUserName()).isEmpty();
                assertThat(e.getMode() & 0777).as("mode of %s", e.getName()).isEqualTo(0755);
            }
        }
        ImageConfig c = image.config();
        assertThat(c.command()).containsExactly("node", "src/server.js");
        assertThat(c.env()).containsEntry("NODE_ENV", "production").containsEntry("APP_VERSION", "v1");
        assertThat(c.workingDir()).isEqualTo("/srv");
        assertThat(c.exposedPorts()).containsExactly("3000/tcp");
        assertThat(c.labels()).containsEntry("team", "checkout");
    }

    @Test
    void theManifestIsAnOciManifestWhoseSha256IsTheDigest() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("store"));
        Image image = new ImageBuilder(store).build(dockerfile(context("web")), Map.of("APP_VERSION", "v1"));

        JsonNode manifest = JSON.readTree(image.manifest());
        assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(image.manifestMediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(Sha256.of(image.manifest())).isEqualTo(image.digest());
        assertThat(manifest.at("/annotations/org.opencontainers.image.base.name").asText()).isEqualTo("node:20-alpine");

        JsonNode config = manifest.path("config");
        assertThat(config.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        byte[] configBlob = Files.readAllBytes(store.dir().resolve("blobs/sha256/" + Sha256.hex(config.path("digest").asText())));
        assertThat(config.path("size").asLong()).isEqualTo(configBlob.length);
        assertThat(Sha256.of(configBlob)).isEqualTo(config.path("digest").asText());
        JsonNode configJson = JSON.readTree(configBlob);
        assertThat(configJson.at("/config/Cmd/1").asText()).isEqualTo("src/server.js");
        assertThat(configJson.at("/config/WorkingDir").asText()).isEqualTo("/srv");
        assertThat(configJson.at("/config/ExposedPorts").has("3000/tcp")).isTrue();

        assertThat(manifest.path("layers")).hasSize(4);
        for (int i = 0; i < 4; i++) {
            JsonNode layer = manifest.path("layers").get(i);
            Path tar = image.layers().get(i);
            assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
            assertThat(layer.path("size").asLong()).isEqualTo(Files.size(tar));
            assertThat(layer.path("digest").asText()).isEqualTo(Sha256.of(tar)).isEqualTo(configJson.at("/rootfs/diff_ids/" + i).asText());
        }
    }

    @Test
    void theSameContextGivesTheSameDigestWhereverItIsAndAChangedFileAnother() throws Exception {
        Image a = new ImageBuilder(new ImageStore(dir.resolve("store-a"))).build(dockerfile(context("one")), Map.of("APP_VERSION", "v1", "X", "1"));
        Path other = context("two");
        Files.setLastModifiedTime(other.resolve("package.json"), java.nio.file.attribute.FileTime.fromMillis(0));
        LinkedHashMap<String, String> reordered = new LinkedHashMap<>();
        reordered.put("X", "1");
        reordered.put("APP_VERSION", "v1");
        ImageBuilder builder = new ImageBuilder(new ImageStore(dir.resolve("store-b")));
        Image b = builder.build(dockerfile(other), reordered);

        assertThat(a.digest()).as("another folder, other file times, another store, the env in another order").isEqualTo(b.digest());
        assertThat(a.manifest()).isEqualTo(b.manifest());

        write(other.resolve("src/server.js"), "console.log('changed')");
        Image changed = builder.build(dockerfile(other), reordered);
        assertThat(changed.digest()).isNotEqualTo(a.digest());
        assertThat(changed.layers().get(1)).as("only the layer of that COPY changes").isNotEqualTo(b.layers().get(1));
        assertThat(changed.layers().get(0)).isEqualTo(b.layers().get(0));

        Image badRelease = builder.build(dockerfile(other), Map.of("APP_VERSION", "v1", "X", "1", "APP_HEALTH_FAIL", "true"));
        assertThat(badRelease.digest()).isNotEqualTo(changed.digest());
        assertThat(badRelease.layers()).isEqualTo(changed.layers());

        write(other.resolve("src/ignored.tmp"), "not in the image");
        assertThat(builder.build(dockerfile(other), reordered).digest()).as("a file .dockerignore leaves out changes nothing")
                .isEqualTo(changed.digest());
    }

    @Test
    void longAndNonAsciiNamesKeepEveryHeaderTimeAtZero() throws Exception {
        Path ctx = dir.resolve("long");
        String deep = "node_modules/" + "a-rather-long-package-name/".repeat(5) + "dist/index-with-a-long-name.js";
        write(ctx.resolve(deep), "module.exports = 1");
        write(ctx.resolve("données/été.txt"), "é");
        write(ctx.resolve("Dockerfile"), "FROM node:20\nCOPY . /srv/\nCMD [\"node\", \"/srv/x.js\"]\n");
        Image image = new ImageBuilder(new ImageStore(dir.resolve("store"))).build(dockerfile(ctx));

        assertThat(entries(image.layers().get(0))).contains("srv/" + deep, "srv/données/été.txt");
        byte[] tar = Files.readAllBytes(image.layers().get(0));
        int headers = 0;
        for (int at = 0; at + 512 <= tar.length && tar[at] != 0; headers++) {
            long mtime = Long.parseLong(new String(tar, at + 136, 11, java.nio.charset.StandardCharsets.US_ASCII).trim(), 8);
            assertThat(mtime).as("mtime of the header at %d (type %c)", at, (char) tar[at + 156]).isZero();
            long size = Long.parseLong(new String(tar, at + 124, 11, java.nio.charset.StandardCharsets.US_ASCII).trim(), 8);
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        assertThat(headers).as("PAX headers included").isGreaterThan(entries(image.layers().get(0)).size());
    }

    @Test
    void theStoreReadsImagesBackAndKeepsItsOwnCopyOfTheLayers() throws Exception {
        Path ctx = context("web");
        Image built = new ImageBuilder(new ImageStore(dir.resolve("store"))).build(dockerfile(ctx), Map.of("APP_VERSION", "v1"));
        write(ctx.resolve("package.json"), "{\"rebuilt\": true}");

        Image read = new ImageStore(dir.resolve("store")).get(built.digest()).orElseThrow();
        assertThat(read).isEqualTo(built);
        assertThat(read.layers()).allSatisfy(layer -> assertThat(layer).startsWith(dir.resolve("store")));
        assertThat(new ImageStore(dir.resolve("store")).digests()).containsExactly(built.digest());
        assertThat(new ImageStore(dir.resolve("store")).get("sha256:" + "0".repeat(64))).isEmpty();

        ImageStore elsewhere = new ImageStore(dir.resolve("elsewhere"));
        elsewhere.put(built);
        assertThat(elsewhere.get(built.digest()).orElseThrow().config()).isEqualTo(built.config());
    }

    @Test
    void layersUnpackIntoARootWithReadOnlyFiles() throws Exception {
        Image image = new ImageBuilder(new ImageStore(dir.resolve("store"))).build(dockerfile(context("web")), Map.of());
        Path root = dir.resolve("root");
        image.layers().forEach(layer -> LayerTar.extract(layer, root));

        assertThat(root.resolve("srv/src/server.js")).hasContent("console.log('hi')");
        assertThat(root.resolve("srv/public/site.css")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("usr/local/bin/start")))).isEqualTo("r-xr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("srv/package.json")))).isEqualTo("r--r--r--");
    }

    @Test
    void copySemanticsFoldersFilesGlobsAndDestinations() throws Exception {
        Path ctx = dir.resolve("copies");
        write(ctx.resolve("a.txt"), "a");
        write(ctx.resolve("conf/app.yml"), "x: 1");
        write(ctx.resolve("conf/extra/more.yml"), "y: 2");
        write(ctx.resolve("Dockerfile"), """
                FROM python:3.12-slim
                WORKDIR /app
                COPY a.txt renamed.txt
                COPY a.txt /opt/
                COPY conf /etc/app
                COPY conf/*.yml /etc/flat/
                COPY conf/extra/more.yml /app
                COPY --exclude=conf/extra . /everything/
                CMD ["python3", "app.py"]
                """);
        Image image = new ImageBuilder(new ImageStore(dir.resolve("store"))).build(dockerfile(ctx));

        assertThat(entries(image.layers().get(0))).containsExactly("app/", "app/renamed.txt");
        assertThat(entries(image.layers().get(1))).containsExactly("opt/", "opt/a.txt");
        assertThat(entries(image.layers().get(2))).as("a folder's contents, not the folder")
                .containsExactly("etc/", "etc/app/", "etc/app/app.yml", "etc/app/extra/", "etc/app/extra/more.yml");
        assertThat(entries(image.layers().get(3))).containsExactly("etc/", "etc/flat/", "etc/flat/app.yml");
        assertThat(entries(image.layers().get(4))).as("/app is the WORKDIR: a folder").containsExactly("app/", "app/more.yml");
        assertThat(entries(image.layers().get(5))).contains("everything/Dockerfile", "everything/conf/app.yml")
                .doesNotContain("everything/conf/extra/more.yml");
    }

    @Test
    void whatTheBuildCannotFindOrUnpackIsNamedWithTheLine() throws Exception {
        Path ctx = dir.resolve("broken");
        write(ctx.resolve("Dockerfile"), "FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY target/sample-app.jar /app/app.jar\nCMD [\"java\", \"-jar\", \"app.jar\"]\n");
        ImageBuilder builder = new ImageBuilder(new ImageStore(dir.resolve("store")));

        assertThatThrownBy(() -> builder.build(dockerfile(ctx)))
                .isInstanceOfSatisfying(ImageBuildException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageStartingWith(ctx.resolve("Dockerfile") + ":3: COPY failed: file not found in build context or excluded by .dockerignore: "
                        + "target/sample-app.jar")
                .hasMessageContaining("Fix: build it first with the project's own build");

        write(ctx.resolve("Dockerfile"), "FROM alpine\nCOPY ../secrets.txt /\nCMD [\"true\"]\n");
        assertThatThrownBy(() -> builder.build(dockerfile(ctx))).hasMessageContaining(":2: COPY ../secrets.txt: forbidden path outside the build context");

        write(ctx.resolve("Dockerfile"), "FROM alpine\nCOPY *.jar /app/\nCMD [\"true\"]\n");
        assertThatThrownBy(() -> builder.build(dockerfile(ctx))).hasMessageContaining(":2: COPY failed: no source files were specified");

        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(ctx.resolve("app.tar.gz")))) {
            Files.copy(builder.build(dockerfile(context("web"))).layers().get(0), gz);
        }
        write(ctx.resolve("Dockerfile"), "FROM alpine\nADD app.tar.gz /app/\nCMD [\"true\"]\n");
        assertThatThrownBy(() -> builder.build(dockerfile(ctx)))
                .hasMessageContaining(":2: ADD app.tar.gz is a tar archive, which Docker unpacks into the image; Preflight does not unpack archives");
        write(ctx.resolve("Dockerfile"), "FROM alpine\nADD app.tar.gz /app/\nRUN tar xzf /app/app.tar.gz\nCMD [\"true\"]\n");
        assertThatThrownBy(() -> builder.build(dockerfile(ctx))).hasMessageContaining(":3: RUN is not executed without Docker");

        assertThatThrownBy(() -> builder.build(new ImageSource.FromDockerfile(dir.resolve("none/Dockerfile"), dir.resolve("none"))))
                .hasMessageContaining("Dockerfile not found");
    }

    @Test
    void theProcessFormIsTheWorkingFoldersFilesAndTheCommand() throws Exception {
        Path web = dir.resolve("web");
        write(web.resolve("server.js"), "require('http')");
        write(web.resolve("static/index.html"), "<h1>hi</h1>");
        write(web.resolve("node_modules/x/index.js"), "");
        ImageStore store = new ImageStore(dir.resolve("store"));
        ImageSource source = new ImageSource.FromProcess(List.of("node", "server.js"), web, List.of("*.js", "static"));
        Image image = new ImageBuilder(store).build(source, Map.of("APP_VERSION", "v3"));

        assertThat(image.baseImage()).isNull();
        assertThat(image.layers()).hasSize(1);
        assertThat(entries(image.layers().get(0))).containsExactly("server.js", "static/", "static/index.html");
        assertThat(image.config().command()).containsExactly("node", "server.js");
        assertThat(image.config().workingDir()).isEqualTo("/");
        assertThat(image.config().env()).containsEntry("APP_VERSION", "v3");
        assertThat(new ImageBuilder(store).build(source, Map.of("APP_VERSION", "v3")).digest()).isEqualTo(image.digest());

        assertThatThrownBy(() -> new ImageBuilder(store).build(new ImageSource.FromProcess(List.of("node", "x.js"), web, List.of("*.py"))))
                .hasMessageContaining("no file of the working folder matches [*.py]");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> new ImageStore(dir).get("latest")).hasMessageContaining("'latest' is not a digest");
        assertThatThrownBy(() -> new ImageConfig(List.of(), List.of(), Map.of(), "app", null, List.of(), null, null, Map.of()))
                .hasMessageContaining("not absolute");
    }

    @Test
    void dockerignorePatterns() throws Exception {
        Path ctx = dir.resolve("ignore");
        write(ctx.resolve(".dockerignore"), "*\n!dist\ndist/**/*.map\n/node_modules\n!README.md\n");
        BuildContext context = BuildContext.of(ctx, ctx.resolve("Dockerfile"));

        assertThat(context.excluded("src/main.ts")).isTrue();
        assertThat(context.excluded("dist")).isFalse();
        assertThat(context.excluded("dist/main.js")).isFalse();
        assertThat(context.excluded("dist/assets/main.js.map")).isTrue();
        assertThat(context.excluded("README.md")).isFalse();
        assertThat(BuildContext.glob("a/**/b").matcher("a/b").matches()).isTrue();
        assertThat(BuildContext.glob("a/**/b").matcher("a/x/y/b").matches()).isTrue();
        assertThat(BuildContext.glob("*.js").matcher("lib/x.js").matches()).as("* stays within one name").isFalse();
        assertThat(BuildContext.glob("file[0-9].txt").matcher("file7.txt").matches()).isTrue();
        assertThat(BuildContext.clean("/a/./b/../c")).isEqualTo("a/c");
        assertThat(BuildContext.clean("../a")).isNull();
    }

    private static List<String> entries(Path tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
