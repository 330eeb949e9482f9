package dev.preflight.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The containers engines' images follow the declared engine versions; a setting still wins. */
class EngineVersionsTest {
    private static final EngineSettings NO_SETTINGS = EngineSettings.of(Map.of(), Map.of());

    @Test
    void imagesFollowTheDeclaredVersions() {
        EngineVersions declared = new EngineVersions("16.4", "7.1");
        assertThat(ContainerImages.postgres(NO_SETTINGS, declared)).isEqualTo("postgres:16-alpine");
        assertThat(ContainerImages.redis(NO_SETTINGS, declared)).as("ElastiCache 7.1 is nearest to Redis 7.2").isEqualTo("redis:7.2-alpine");
        assertThat(ContainerImages.redis(NO_SETTINGS, new EngineVersions(null, "6.x"))).isEqualTo("redis:6.2-alpine");
        assertThat(ContainerImages.redis(NO_SETTINGS, new EngineVersions(null, "7.0.7"))).isEqualTo("redis:7.0-alpine");
        assertThat(ContainerImages.postgres(NO_SETTINGS, EngineVersions.NONE)).isEqualTo(ContainerImages.POSTGRES);
        assertThat(ContainerImages.redis(NO_SETTINGS, EngineVersions.NONE)).isEqualTo(ContainerImages.REDIS);
        EngineSettings pinned = EngineSettings.of(Map.of("preflight.postgres.image", "mirror.example/pg:15"), Map.of());
        assertThat(ContainerImages.postgres(pinned, declared)).isEqualTo("mirror.example/pg:15");
        assertThat(new ContainerPostgresEngine(NO_SETTINGS, declared, null, null).image()).isEqualTo("postgres:16-alpine");
    }

    @Test
    void aServerHonoursTheDeclaredMajorVersion() {
        assertThat(EngineVersions.honours("17", "17.11")).isTrue();
        assertThat(EngineVersions.honours("7.1", "7.2.4")).isTrue();
        assertThat(EngineVersions.honours("7.1", "6.2.14")).isFalse();
        assertThat(EngineVersions.honours("16", "17.11")).isFalse();
        assertThat(EngineVersions.honours(null, "6.2.14")).as("nothing declared").isTrue();
    }
}
