package dev.preflight.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner finds a planted secret wherever it is, names where, and never prints the value. */
class SecretScanTest {
    private static final String PASSWORD = "Zq7vK2mNp4Rt8xWb3cYd6fGh9jLs5aEu";
    private static final String DB_JSON = "{\"username\":\"shop_admin_dev\",\"password\":\"" + PASSWORD
            + "\",\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":5432,\"dbname\":\"shop_dev\"}";
    private static final String APP_KEY = "k3Y9appKeyValue7Hq2";

    private static SecretValues planted() {
        return SecretValues.of("shop-dev/db-credentials", "v-1111", DB_JSON).and(SecretValues.of("shop-dev/app-key", "v-2222", APP_KEY));
    }

    @Test
    void aJsonSecretIsLookedForWholeAndByItsSecretFieldsButNotByItsPublicOnes() {
        SecretValues values = planted();

        assertThat(values.contains(DB_JSON)).isTrue();
        assertThat(values.contains(PASSWORD)).isTrue();
        assertThat(values.contains(APP_KEY)).isTrue();
        assertThat(values.contains("shop_admin_dev")).as("a user name is no secret").isFalse();
        assertThat(values.contains("127.0.0.1")).isFalse();
        assertThat(values.size()).isEqualTo(3);
        assertThat(values.toString()).doesNotContain(PASSWORD).doesNotContain(APP_KEY);
        assertThat(values.values().toString()).doesNotContain(PASSWORD).doesNotContain(APP_KEY);
    }

    @Test
    void shortValuesAreNotLookedFor() {
        assertThat(SecretValues.of("s", "v", "abc").isEmpty()).isTrue();
    }

    @Test
    void aPasswordPlantedInALogFileIsFoundWithItsFileLineAndSecretAndTheReportDoesNotRepeatIt(@TempDir Path dir) throws IOException {
        Path tasks = Files.createDirectories(dir.resolve("tasks/abc"));
        Files.writeString(tasks.resolve("output.log"), "preflight-sample-app version=v1 listening on 127.0.0.1:1234\n"
                + "connecting with password=" + PASSWORD + "\n");
        Files.writeString(dir.resolve("clean.txt"), "nothing to see\nshop_admin_dev@127.0.0.1:5432/shop_dev\n");
        Files.write(dir.resolve("image.jar"), new byte[] {'P', 'K', 0, 0, 'x'});

        ScanResult result = SecretScan.of(planted()).tree(dir).result();

        assertThat(result.clean()).isFalse();
        assertThat(result.leaks()).singleElement().satisfies(leak -> {
            assertThat(leak.source()).endsWith("tasks/abc/output.log");
            assertThat(leak.line()).isEqualTo(2);
            assertThat(leak.secret()).isEqualTo("shop-dev/db-credentials");
            assertThat(leak.versionId()).isEqualTo("v-1111");
            assertThat(leak.field()).isEqualTo("password");
        });
        assertThat(result.sourcesByKind()).containsEntry("files", 2L);
        assertThat(result.skipped()).singleElement().asString().contains("image.jar").contains("binary");
        assertThat(result.describe()).contains("1 secret value(s) found").contains("output.log:2")
                .doesNotContain(PASSWORD);
        assertThat(result.leaks().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void aWholeSecretStringInTextIsFound() {
        ScanResult result = SecretScan.of(planted()).text("response body", "ok\nDB_SECRET=" + DB_JSON).result();

        assertThat(result.leaks()).extracting(SecretLeak::field).containsExactlyInAnyOrder(null, "password");
        assertThat(result.leaks()).allMatch(l -> l.line() == 2 && l.source().equals("response body"));
    }

    @Test
    void aSecretInADeepCauseOrASuppressedExceptionIsFound() {
        RuntimeException cause = new RuntimeException("login failed for key " + APP_KEY);
        IllegalStateException top = new IllegalStateException("rotation failed", new RuntimeException("wrapped", cause));
        top.addSuppressed(new RuntimeException("cleanup also failed"));

        ScanResult result = SecretScan.of(planted()).throwable("provoked rotation failure", top).result();

        assertThat(result.leaks()).isNotEmpty().allMatch(l -> l.secret().equals("shop-dev/app-key"));
        assertThat(result.leaks()).extracting(SecretLeak::source).anyMatch(s -> s.contains("stack trace"))
                .anyMatch(s -> s.contains("message"));
    }

    @Test
    void anExceptionWithoutSecretsIsClean() {
        ScanResult result = SecretScan.of(planted())
                .throwable("clean", new IllegalStateException("cannot log in as shop_admin_dev: 28P01")).result();

        assertThat(result.clean()).as(result.describe()).isTrue();
        assertThat(result.sourcesByKind()).containsEntry("exceptions", 1L);
        assertThat(result.lines()).isPositive();
    }

    @Test
    void resultsOfEarlierScansAddUp(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.log"), APP_KEY + "\n");
        ScanResult earlier = SecretScan.of(planted()).text("earlier", "fine").result();

        ScanResult result = SecretScan.of(planted()).tree(dir).result(earlier);

        assertThat(result.leaks()).hasSize(1);
        assertThat(result.sourcesByKind()).containsEntry("files", 1L).containsEntry("texts", 1L);
    }
}
