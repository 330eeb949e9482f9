package dev.preflight.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Dockerfile reader, instruction by instruction, with Docker's rules from the Dockerfile reference. */
class DockerfileTest {
    private static final Path FILE = Path.of("/work/app/Dockerfile");

    private static Dockerfile parse(String text) {
        return Dockerfile.parse(FILE, text);
    }

    private static ImageConfig config(String text) {
        return parse(text).config();
    }

    @Test
    void theSampleAppsDockerfile() {
        Dockerfile d = parse("""
                FROM eclipse-temurin:17-jre
                WORKDIR /app
                COPY target/sample-app.jar /app/sample-app.jar
                EXPOSE 8080
                HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1
                ENTRYPOINT ["java","-jar","/app/sample-app.jar"]
                """);

        assertThat(d.baseImage()).isEqualTo("eclipse-temurin:17-jre");
        assertThat(d.fromLine()).isEqualTo(1);
        assertThat(d.copies()).containsExactly(new Dockerfile.Copy(3, "COPY", List.of("target/sample-app.jar"), "/app/sample-app.jar", null, List.of()));
        ImageConfig c = d.config();
        assertThat(c.workingDir()).isEqualTo("/app");
        assertThat(c.exposedPorts()).containsExactly("8080/tcp");
        assertThat(c.healthCheck().test()).containsExactly("CMD-SHELL", "curl -f http://localhost:8080/health || exit 1");
        assertThat(c.entrypoint()).containsExactly("java", "-jar", "/app/sample-app.jar");
        assertThat(c.cmd()).isEmpty();
        assertThat(c.command()).containsExactly("java", "-jar", "/app/sample-app.jar");
    }

    @Test
    void entrypointAndCmdInBothForms() {
        assertThat(config("FROM node:20\nCMD [\"node\", \"server.js\"]").cmd()).containsExactly("node", "server.js");
        assertThat(config("FROM node:20\nCMD node server.js --port $PORT").cmd())
                .as("the shell form is sh -c with the text as written: the shell expands it at run time")
                .containsExactly("/bin/sh", "-c", "node server.js --port $PORT");
        ImageConfig both = config("FROM python:3.12\nENTRYPOINT [\"python3\", \"-m\", \"app\"]\nCMD [\"--port\", \"8080\"]");
        assertThat(both.command()).containsExactly("python3", "-m", "app", "--port", "8080");
        assertThat(config("FROM alpine\nENTRYPOINT exec ./run").entrypoint()).containsExactly("/bin/sh", "-c", "exec ./run");
        assertThat(config("FROM alpine\nCMD [\"a\", 'b']").cmd()).as("not valid JSON: Docker reads it as the shell form")
                .containsExactly("/bin/sh", "-c", "[\"a\", 'b']");
        assertThat(config("FROM alpine\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nCMD echo hi | cat").cmd())
                .containsExactly("/bin/bash", "-eo", "pipefail", "-c", "echo hi | cat");
    }

    @Test
    void envInBothSyntaxesSeesOnlyTheValuesFromBeforeIt() {
        ImageConfig c = config("""
                FROM alpine
                ENV A=1
                ENV A=2 B=$A C="with space" D=one\\ two
                ENV LEGACY a value with spaces
                ENV E=${A}-${MISSING:-fallback}-${A:+set}-${MISSING:+never}
                ENV SINGLE='$A stays'
                CMD ["true"]
                """);

        assertThat(c.env()).containsEntry("A", "2").containsEntry("B", "1").containsEntry("C", "with space")
                .containsEntry("D", "one two").containsEntry("LEGACY", "a value with spaces")
                .containsEntry("E", "2-fallback-set-").containsEntry("SINGLE", "$A stays");
    }

    @Test
    void argsBeforeFromAndInTheStageWithDefaultsAndSubstitution() {
        Dockerfile d = parse("""
                ARG NODE_VERSION=20
                ARG VARIANT=alpine
                FROM node:${NODE_VERSION}-$VARIANT
                ARG NODE_VERSION
                ARG APP_DIR=/srv/app
                ARG PORT=3000
                ARG TARGETARCH
                ENV PORT=8080 RUNTIME=node$NODE_VERSION ARCH=$TARGETARCH
                WORKDIR $APP_DIR
                COPY dist/ ${APP_DIR}/dist/
                EXPOSE $PORT
                LABEL org.opencontainers.image.version="${NODE_VERSION}" variant=$VARIANT
                CMD ["node", "dist/main.js"]
                """);

        assertThat(d.baseImage()).isEqualTo("node:20-alpine");
        ImageConfig c = d.config();
        assertThat(c.env()).as("a stage sees a global ARG only when it declares it; ENV overrides an ARG")
                .containsEntry("RUNTIME", "node20").containsEntry("ARCH", "amd64").containsEntry("PORT", "8080")
                .doesNotContainKeys("APP_DIR", "NODE_VERSION");
        assertThat(c.workingDir()).isEqualTo("/srv/app");
        assertThat(d.copies().get(0).destination()).isEqualTo("/srv/app/dist/");
        assertThat(c.exposedPorts()).as("EXPOSE sees ENV PORT, not ARG PORT").containsExactly("8080/tcp");
        assertThat(c.labels()).containsEntry("org.opencontainers.image.version", "20").containsEntry("variant", "");
    }

    @Test
    void continuationLinesCommentsAndDirectives() {
        Dockerfile d = parse("""
                # syntax=docker/dockerfile:1
                # escape=\\

                # A comment
                FROM python:3.12-slim \\
                    AS runtime
                ENV A=1 \\
                # a comment inside the continuation is dropped
                    B=2 \\

                    C=3
                CMD ["python3", \\
                     "app.py"]
                """);

        assertThat(d.baseImage()).isEqualTo("python:3.12-slim");
        assertThat(d.fromLine()).isEqualTo(5);
        assertThat(d.config().env()).containsEntry("A", "1").containsEntry("B", "2").containsEntry("C", "3");
        assertThat(d.config().cmd()).containsExactly("python3", "app.py");

        Dockerfile backtick = parse("# escape=`\nFROM alpine\nWORKDIR C:\\app\nENV A=x `\n    B=y\nCMD [\"true\"]");
        assertThat(backtick.config().env()).containsEntry("A", "x").containsEntry("B", "y");
        assertThat(backtick.config().workingDir()).isEqualTo("/C:\\app");
    }

    @Test
    void workdirUserExposeStopsignalLabelHealthcheck() {
        ImageConfig c = config("""
                from alpine
                workdir /srv
                WORKDIR app
                WORKDIR ./sub/..
                USER node:node
                EXPOSE 8080 9000-9001/udp 53/UDP
                STOPSIGNAL SIGINT
                LABEL team=checkout "description"="the api"
                LABEL maintainer someone@example.com
                HEALTHCHECK --interval=10s --timeout=2s --start-period=1m30s --start-interval=500ms --retries=5 CMD ["curl", "-f", "http://localhost:8080/health"]
                CMD ["./run"]
                """);

        assertThat(c.workingDir()).isEqualTo("/srv/app");
        assertThat(c.user()).isEqualTo("node:node");
        assertThat(c.exposedPorts()).containsExactly("53/udp", "8080/tcp", "9000/udp", "9001/udp");
        assertThat(c.stopSignal()).isEqualTo("SIGINT");
        assertThat(c.labels()).containsEntry("team", "checkout").containsEntry("description", "the api")
                .containsEntry("maintainer", "someone@example.com");
        assertThat(c.healthCheck()).isEqualTo(new ImageConfig.HealthCheck(List.of("CMD", "curl", "-f", "http://localhost:8080/health"),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(90), Duration.ofMillis(500), 5));
        assertThat(config("FROM a\nHEALTHCHECK NONE\nCMD [\"x\"]").healthCheck().test()).containsExactly("NONE");
        assertThat(config("FROM a\nVOLUME /data\nONBUILD COPY . /x\nMAINTAINER me\nCMD [\"x\"]").command()).containsExactly("x");
    }

    @Test
    void copyAndAddSourcesDestinationsAndFlags() {
        Dockerfile d = parse("""
                FROM node:20
                WORKDIR /srv
                COPY package.json ./
                COPY --chown=node:node --chmod=755 bin/start.sh /usr/local/bin/start
                COPY ["with space.txt", "data/"]
                COPY src/*.js lib/ /srv/src/
                COPY --exclude=*.map --link dist /srv/dist
                COPY static /srv
                ADD config.yml .
                CMD ["node", "src/main.js"]
                """);

        assertThat(d.copies()).extracting(Dockerfile.Copy::destination)
                .containsExactly("/srv/", "/usr/local/bin/start", "/srv/data/", "/srv/src/", "/srv/dist", "/srv/", "/srv/");
        assertThat(d.copies().get(1).mode()).isEqualTo(0755);
        assertThat(d.copies().get(2).sources()).containsExactly("with space.txt");
        assertThat(d.copies().get(3).sources()).containsExactly("src/*.js", "lib/");
        assertThat(d.copies().get(4).excludes()).containsExactly("*.map");
        assertThat(d.copies().get(5).intoFolder()).as("a WORKDIR is a folder of the image").isTrue();
        assertThat(d.copies().get(6).instruction()).isEqualTo("ADD");
    }

    @Test
    void onlyTheFinalStageCounts() {
        Dockerfile d = parse("""
                FROM maven:3-eclipse-temurin-17 AS build
                WORKDIR /src
                COPY . .
                RUN mvn -q package
                ENV BUILD_ONLY=true

                FROM eclipse-temurin:17-jre
                COPY target/app.jar /app.jar
                CMD ["java", "-jar", "/app.jar"]
                """);

        assertThat(d.baseImage()).isEqualTo("eclipse-temurin:17-jre");
        assertThat(d.fromLine()).isEqualTo(7);
        assertThat(d.config().env()).doesNotContainKey("BUILD_ONLY");
        assertThat(d.config().workingDir()).isEqualTo("/");
        assertThat(d.copies()).hasSize(1);
    }

    @Test
    void runInTheFinalStageIsRefusedWithOneMessageNamingTheFileTheLineAndTheWayOut() {
        assertThatThrownBy(() -> parse("""
                FROM node:20-alpine
                WORKDIR /srv
                COPY package.json package-lock.json ./
                RUN npm ci \\
                    --omit=dev
                COPY . .
                CMD ["node", "server.js"]
                """))
                .isInstanceOfSatisfying(ImageBuildException.class, e -> {
                    assertThat(e.file()).isEqualTo(FILE);
                    assertThat(e.line()).isEqualTo(4);
                })
                .hasMessage("/work/app/Dockerfile:4: RUN is not executed without Docker: 'RUN npm ci --omit=dev' would change the image at"
                        + " build time, and an image made from this Dockerfile would lack what it makes. Fix: build the artifact first with"
                        + " the project's own build (mvn package, npm ci, pip install --target ...) and COPY it from the build context, or"
                        + " build this repository with the process form (build: { process: { command: [...], workingDir: ..., files: [...] } })");
    }

    @Test
    void copyFromAnotherStageAndAFinalStageBuiltOnOneAreRefused() {
        assertThatThrownBy(() -> parse("FROM maven AS build\nRUN mvn package\nFROM eclipse-temurin:17-jre\n"
                + "COPY --from=build /src/target/app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]"))
                .isInstanceOf(ImageBuildException.class)
                .hasMessageStartingWith("/work/app/Dockerfile:4: COPY --from=build copies from another stage or image")
                .hasMessageContaining("Fix: build the artifact first with the project's own build and COPY it from the build context");
        assertThatThrownBy(() -> parse("FROM node:20 AS deps\nRUN npm ci\nFROM deps\nCMD [\"node\", \"x.js\"]"))
                .hasMessageStartingWith("/work/app/Dockerfile:3: the final stage is built FROM the earlier stage 'deps' (line 1)");
    }

    @Test
    void unknownInstructionsAndOtherMistakesAreNamed() {
        assertThatThrownBy(() -> parse("FROM alpine\nCOPPY a b\nCMD [\"x\"]"))
                .hasMessageStartingWith("/work/app/Dockerfile:2: unknown instruction COPPY. Fix: use the Dockerfile instructions ADD, ARG, CMD");
        assertThatThrownBy(() -> parse("WORKDIR /app\nFROM alpine"))
                .hasMessageStartingWith("/work/app/Dockerfile:1: WORKDIR before the first FROM");
        assertThatThrownBy(() -> parse("# just a comment\n")).hasMessageContaining("has no FROM");
        assertThatThrownBy(() -> parse("FROM node:20\nCOPY . /srv"))
                .hasMessageContaining("no ENTRYPOINT or CMD").hasMessageContaining("node:20");
        assertThatThrownBy(() -> parse("FROM alpine\nADD https://example.com/app.tar.gz /app/\nCMD [\"x\"]"))
                .hasMessageStartingWith("/work/app/Dockerfile:2: ADD https://example.com/app.tar.gz downloads at build time");
        assertThatThrownBy(() -> parse("FROM alpine\nCOPY a b c\nCMD [\"x\"]"))
                .hasMessageContaining(":2: when COPY has more than one source").hasMessageContaining("c/");
        assertThatThrownBy(() -> parse("FROM alpine\nEXPOSE 70000\nCMD [\"x\"]")).hasMessageContaining(":2: '70000' is not a port");
        assertThatThrownBy(() -> parse("FROM alpine\nHEALTHCHECK --interval=soon CMD true\nCMD [\"x\"]"))
                .hasMessageContaining("--interval=soon is not a duration");
        assertThatThrownBy(() -> parse("FROM alpine\nCOPY --chmod=u+x a /a\nCMD [\"x\"]")).hasMessageContaining("not an octal mode");
        assertThatThrownBy(() -> parse("FROM alpine\nCOPY --fancy a /a\nCMD [\"x\"]")).hasMessageContaining("unknown flag --fancy for COPY");
        assertThatThrownBy(() -> parse("FROM alpine\nENV A=\"open\nCMD [\"x\"]")).hasMessageContaining(":2: unmatched \"");
        assertThatThrownBy(() -> parse("FROM alpine\nENV A=${B:?B is required}\nCMD [\"x\"]")).hasMessageContaining("B: B is required");
        assertThatThrownBy(() -> Dockerfile.read(Path.of("/no/such/Dockerfile"))).hasMessageStartingWith("/no/such/Dockerfile: Dockerfile not found");
    }

    @Test
    void goDurations() {
        assertThat(Dockerfile.goDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Dockerfile.goDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Dockerfile.goDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Dockerfile.goDuration("10")).isNull();
        assertThat(Dockerfile.goDuration("s")).isNull();
    }
}
