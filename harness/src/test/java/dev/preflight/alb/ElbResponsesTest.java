package dev.preflight.alb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ElbResponsesTest {
    @Test
    void timeoutsAre504AndEverythingElseIs502() {
        assertThat(ElbResponses.statusFor(new TimeoutException("Idle timeout 600 ms"))).isEqualTo(504);
        assertThat(ElbResponses.statusFor(new SocketTimeoutException("Connect Timeout"))).isEqualTo(504);
        assertThat(ElbResponses.statusFor(new ExecutionException(new TimeoutException()))).isEqualTo(504);
        assertThat(ElbResponses.statusFor(new ConnectException("Connection refused"))).isEqualTo(502);
        assertThat(ElbResponses.statusFor(new EOFException())).isEqualTo(502);
    }
}
