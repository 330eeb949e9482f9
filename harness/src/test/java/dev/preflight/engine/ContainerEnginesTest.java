package dev.preflight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.Jedis;

/**
 * Starts the three containers for real and checks each answers. Needs Docker: where Docker is absent
 * every test here is reported as skipped with the reason "Docker is not available".
 */
@EnabledIf(value = "dev.preflight.engine.DockerAvailability#isAvailable", disabledReason = DockerAvailability.REASON)
class ContainerEnginesTest {
    private static ContainerAwsEngine aws;
    private static ContainerPostgresEngine postgres;
    private static ContainerRedisEngine redis;

    @BeforeAll
    static void startEngines() {
        EngineSettings settings = EngineSettings.of(Map.of(), Map.of());
        aws = new ContainerAwsEngine(settings);
        postgres = new ContainerPostgresEngine(settings);
        redis = new ContainerRedisEngine(settings);
        aws.start();
        postgres.start();
        redis.start();
    }

    @AfterAll
    static void stopEngines() {
        for (Engine engine : new Engine[] {redis, postgres, aws}) {
            if (engine != null) {
                engine.close();
            }
        }
    }

    @Test
    void motoAnswersOnItsApi() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(aws.endpoint().resolve("/moto-api/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(aws.description()).startsWith("container motoserver/moto:5.2.1 at http://");
    }

    @Test
    void secondStartIsHarmless() {
        String before = aws.description();
        aws.start();
        postgres.start();
        redis.start();
        assertThat(aws.description()).isEqualTo(before);
    }

    @Test
    void postgresAnswersSelectOne() throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(postgres.adminDatabase()),
                postgres.superuser(), postgres.superuserPassword());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void postgresRolesMustGiveTheirPassword() throws SQLException {
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.superuser(), postgres.superuserPassword());
             Statement statement = admin.createStatement()) {
            statement.execute("create role preflight_probe login password 'right-password'");
        }
        try (Connection ok = DriverManager.getConnection(postgres.jdbcUrl("postgres"), "preflight_probe", "right-password")) {
            assertThat(ok.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("postgres"), "preflight_probe", "wrong-password").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    @Test
    void redisAnswersPing() {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            jedis.select(63);
            assertThat(jedis.set("preflight", "ok")).isEqualTo("OK");
        }
    }
}
