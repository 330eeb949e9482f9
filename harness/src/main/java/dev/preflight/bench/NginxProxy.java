package dev.preflight.bench;

import dev.preflight.engine.LocalPorts;
import dev.preflight.engine.ProcessLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * nginx (Debian's package) as a reverse proxy in front of one backend, the yardstick of the load
 * balancer: a configuration written to its own temporary folder (pid file, logs and temp paths
 * there too), bound to 127.0.0.1 on a free port, upstream keep-alive, X-Forwarded-* set as an ALB
 * sets them, no access log. Runs in the foreground ({@code daemon off}) so that it is the bench's
 * child; {@link #close()} stops it and deletes the folder, also when the bench fails.
 */
final class NginxProxy implements AutoCloseable {
    private final ChildProcess process;
    private final Path dir;
    private final ProcessLedger ledger;
    private final int port;

    private NginxProxy(ChildProcess process, Path dir, ProcessLedger ledger, int port) {
        this.process = process;
        this.dir = dir;
        this.ledger = ledger;
        this.port = port;
    }

    static Optional<Path> binary() {
        return Executables.find("nginx");
    }

    static NginxProxy start(Path nginx, int backendPort, int workers, ProcessLedger ledger) {
        Path dir;
        try {
            dir = Files.createTempDirectory("preflight-bench-nginx-");
            // nginx's workers run as an unprivileged user and must reach their temp paths
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create nginx's temp folder", e);
        }
        ledger.trackDirectory(dir);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken between lookup and bind
            int port = LocalPorts.freePort();
            Path conf = dir.resolve("nginx.conf");
            try {
                Files.writeString(conf, config(dir, port, backendPort, workers));
            } catch (IOException e) {
                ProcessLedger.deleteTree(dir);
                ledger.forgetDirectory(dir);
                throw new UncheckedIOException("cannot write " + conf, e);
            }
            ChildProcess process = ChildProcess.start("nginx", List.of(nginx.toString(), "-p", dir.toString(), "-c",
                    conf.toString(), "-e", dir.resolve("error.log").toString()), Map.of(), dir.resolve("stdout.log"), ledger);
            try {
                process.awaitListening(port, Duration.ofSeconds(10));
                return new NginxProxy(process, dir, ledger, port);
            } catch (IllegalStateException e) {
                process.close();
                last = new IllegalStateException(e.getMessage() + "\nerror.log: " + readQuietly(dir.resolve("error.log")), e);
            }
        }
        ProcessLedger.deleteTree(dir);
        ledger.forgetDirectory(dir);
        throw last;
    }

    static String config(Path dir, int port, int backendPort, int workers) {
        return """
                # written by Preflight's bench; deleted when the bench ends
                worker_processes %d;
                daemon off;
                master_process on;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events {
                    worker_connections 4096;
                    multi_accept on;
                }
                http {
                    access_log off;
                    client_body_temp_path %s/client_body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    keepalive_timeout 60s;
                    keepalive_requests 100000;
                    upstream backend {
                        server 127.0.0.1:%d;
                        keepalive 64;
                        keepalive_requests 100000;
                        keepalive_timeout 60s;
                    }
                    server {
                        listen 127.0.0.1:%d;
                        location / {
                            proxy_pass http://backend;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $http_host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_set_header X-Forwarded-Port $server_port;
                            proxy_connect_timeout 10s;
                            proxy_read_timeout 60s;
                        }
                    }
                }
                """.formatted(workers, dir, dir, dir, dir, dir, dir, dir, backendPort, port);
    }

    int port() {
        return port;
    }

    /** The master process (its workers are its children). */
    ProcessHandle process() {
        return process.process().toHandle();
    }

    /** Its temporary folder: configuration, pid file, logs, temp paths. */
    Path dir() {
        return dir;
    }

    /** SIGTERM (nginx's fast shutdown: the master stops its workers), then the folder goes. */
    @Override
    public void close() {
        try {
            process.close();
        } finally {
            ProcessLedger.deleteTree(dir);
            ledger.forgetDirectory(dir);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(none)";
        }
    }
}
