package dev.preflight.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The embedded path runs on the laptops users have: each platform's binaries are on the harness's
 * classpath under the name the engine asks zonky's resolver for. The architecture is the JVM's os.arch
 * on that platform, normalized as zonky does, so a renamed artifact or resource fails here, not on a
 * user's Mac.
 */
class EmbeddedPostgresBinariesTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "Linux, amd64",
        "Linux, aarch64",
        "Darwin, x86_64",
        "Darwin, aarch64",
    })
    void thePlatformsBinariesAreOnTheClasspath(String system, String osArch) throws Exception {
        try (InputStream binaries = EmbeddedPostgresEngine.binaries(system, ArchUtils.normalize(osArch))) {
            byte[] magic = binaries.readNBytes(6);
            assertThat(magic).as("an xz archive's magic bytes").containsExactly(0xFD, '7', 'z', 'X', 'Z', 0x00);
        }
    }
}
