package dev.preflight.image;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.ExternalAwsEngine;
import dev.preflight.engine.ProcessLedger;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A moto_server of a test's own on a free loopback port, with SDK clients pointed at it. */
public final class TestMotoServer implements AutoCloseable {
    private final Process process;
    private final AwsClients aws;
    private final Path log;

    private TestMotoServer(Process process, AwsClients aws, Path log) {
        this.process = process;
        this.aws = aws;
        this.log = log;
    }

    public static TestMotoServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("moto-image-runtime-", ".log");
        Process process = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    ProcessLedger.stop(process.toHandle(), Duration.ofSeconds(5));
                    throw new IllegalStateException("moto_server did not start on port " + port + "; log: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
        AwsClients aws = new AwsClients(new ExternalAwsEngine(URI.create("http://127.0.0.1:" + port)), "us-east-1");
        return new TestMotoServer(process, aws, log);
    }

    public AwsClients aws() {
        return aws;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            aws.close();
        } finally {
            ProcessLedger.stop(process.toHandle(), Duration.ofSeconds(5));
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
