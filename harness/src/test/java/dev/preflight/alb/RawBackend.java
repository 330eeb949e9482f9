package dev.preflight.alb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A misbehaving target below HTTP: it closes without answering, or answers something that is not HTTP. */
final class RawBackend implements AutoCloseable {
    enum Behaviour { CLOSE_WITHOUT_ANSWER, NOT_HTTP }

    private final ServerSocket socket;
    private final Thread acceptor;

    RawBackend(Behaviour behaviour) {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    readHead(connection.getInputStream());
                    if (behaviour == Behaviour.NOT_HTTP) {
                        OutputStream out = connection.getOutputStream();
                        out.write("this is not http\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed by close(), or the peer went away: next connection
                }
            }
        }, "raw-backend-" + behaviour);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    Target target(String id) {
        return new Target(id, "127.0.0.1", socket.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
