package dev.preflight.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.engine.EmbeddedRedisEngine;
import dev.preflight.engine.ProcessLedger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each ElastiCache cluster gets a logical database of the real Redis; one JVM provisions and destroys
 * many environments (a gate run per proposed change), so released databases are used again.
 */
class RedisAdminTest {
    @TempDir
    Path dir;

    @Test
    void releasedDatabasesAreUsedAgainAndOnlySixtyThreeLiveAtOnce() {
        try (EmbeddedRedisEngine redis = new EmbeddedRedisEngine(new ProcessLedger(dir.resolve("ledger")), dir.resolve("run"))) {
            redis.start();
            RedisAdmin admin = new RedisAdmin(redis);
            for (int environment = 0; environment < 200; environment++) {
                int database = admin.allocate("env" + environment + "-sessions");
                assertThat(database).as("environment %d, alone in the server", environment).isEqualTo(1);
                assertThat(admin.allocate("env" + environment + "-sessions")).as("asked again").isEqualTo(database);
                admin.release("env" + environment + "-sessions");
            }
            for (int i = 1; i <= 63; i++) {
                assertThat(admin.allocate("live" + i)).isEqualTo(i);
            }
            assertThatThrownBy(() -> admin.allocate("one-too-many")).isInstanceOf(ProvisionException.class)
                    .hasMessageContaining("no free logical database").hasMessageContaining("destroy environments you no longer need");
            admin.release("live7");
            assertThat(admin.allocate("one-too-many")).as("the lowest free one").isEqualTo(7);
        }
    }
}
