package dev.preflight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.preflight.engine.ProcessLedger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NginxProxyTest {
    @Test
    void configListensOnLoopbackOnlyKeepsUpstreamConnectionsAndWritesNothingOutsideItsFolder() {
        String conf = NginxProxy.config(Path.of("/tmp/x"), 41000, 42000, 2);
        assertThat(conf).contains("listen 127.0.0.1:41000;").doesNotContain("listen 41000").doesNotContain("listen 80");
        assertThat(conf).contains("server 127.0.0.1:42000;").contains("keepalive 64;")
                .contains("proxy_http_version 1.1;").contains("proxy_set_header Connection \"\";");
        assertThat(conf).contains("daemon off;").contains("access_log off;").contains("worker_processes 2;");
        for (String line : conf.lines().filter(l -> l.contains("_path ") || l.contains("pid ") || l.contains("error_log ")).toList()) {
            assertThat(line).as("every file nginx writes is in its folder").contains("/tmp/x/");
        }
    }

    @Test
    void proxiesToTheBackendAndLeavesNoProcessOrFolderBehind(@TempDir Path ledgerDir) throws Exception {
        Optional<Path> nginx = NginxProxy.binary();
        Assumptions.assumeTrue(nginx.isPresent(), "nginx is not installed (scripts/bench-setup.sh installs it)");
        AtomicReference<String> forwardedFor = new AtomicReference<>();
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        backend.createContext("/", exchange -> {
            forwardedFor.set(exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        ProcessLedger ledger = new ProcessLedger(ledgerDir);
        NginxProxy proxy = NginxProxy.start(nginx.get(), backend.getAddress().getPort(), 1, ledger);
        List<ProcessHandle> processes;
        try {
            processes = ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("nginx")).toList();
            assertThat(processes).isNotEmpty();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.port() + "/version")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello");
            assertThat(forwardedFor.get()).isEqualTo("127.0.0.1");
            assertThat(Files.readString(ledgerDir.resolve(ProcessHandle.current().pid() + ".json"))).contains("preflight-bench-nginx-");
        } finally {
            proxy.close();
            backend.stop(0);
        }
        assertThat(proxy.dir()).doesNotExist();
        for (ProcessHandle p : processes) {
            assertThat(p.isAlive()).as("nginx " + p.pid() + " stopped").isFalse();
        }
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("nginx")))
                .as("no nginx worker left").isEmpty();
        assertThat(Files.readString(ledgerDir.resolve(ProcessHandle.current().pid() + ".json")))
                .doesNotContain("preflight-bench-nginx-").doesNotContain("nginx -p");
    }
}
