package dev.preflight.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.image.TestMotoServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/** The awslogs driver's part against a real moto_server: batching, order, timestamps, flush, failures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskLogShipperTest {
    private static final String GROUP = "/ecs/shipper-test";
    private TestMotoServer moto;

    @BeforeAll
    void start() throws Exception {
        moto = TestMotoServer.start();
        moto.aws().logs().createLogGroup(r -> r.logGroupName(GROUP));
    }

    @AfterAll
    void stop() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void linesArriveInOrderWithoutAnyFlush() throws Exception {
        try (TaskLogShipper shipper = new TaskLogShipper(moto.aws().logs())) {
            TaskLogShipper.Stream stream = shipper.open(GROUP, "app/web/ordered");
            IntStream.range(0, 250).forEach(i -> stream.append("line " + i));

            List<String> expected = IntStream.range(0, 250).mapToObj(i -> "line " + i).toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (events("app/web/ordered").size() < 250 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(events("app/web/ordered")).extracting(OutputLogEvent::message).containsExactlyElementsOf(expected);
            assertThat(stream.shipped()).isEqualTo(250);
        }
    }

    @Test
    void eachLineIsStampedWhenItWasRead() throws Exception {
        try (TaskLogShipper shipper = new TaskLogShipper(moto.aws().logs())) {
            TaskLogShipper.Stream stream = shipper.open(GROUP, "app/web/stamped");
            long before = System.currentTimeMillis();
            stream.append("first");
            Thread.sleep(400);
            stream.append("second");
            stream.close();

            List<OutputLogEvent> events = events("app/web/stamped");
            assertThat(events).extracting(OutputLogEvent::message).containsExactly("first", "second");
            assertThat(events.get(0).timestamp()).isBetween(before, before + 200);
            assertThat(events.get(1).timestamp() - events.get(0).timestamp()).isGreaterThanOrEqualTo(350);
        }
    }

    @Test
    void closeShipsWhatIsWaiting() {
        TaskLogShipper shipper = new TaskLogShipper(moto.aws().logs(), Duration.ofHours(1), 1_000);
        TaskLogShipper.Stream stream = shipper.open(GROUP, "app/web/on-close");
        stream.append("only on close");
        stream.append("");
        assertThat(events("app/web/on-close")).isEmpty();

        shipper.close();

        assertThat(events("app/web/on-close")).extracting(OutputLogEvent::message).containsExactly("only on close");
    }

    @Test
    void aStreamThatExistsIsReused() {
        try (TaskLogShipper shipper = new TaskLogShipper(moto.aws().logs())) {
            shipper.open(GROUP, "app/web/twice").close();
            TaskLogShipper.Stream again = shipper.open(GROUP, "app/web/twice");
            again.append("still shipped");
            again.close();
            assertThat(events("app/web/twice")).extracting(OutputLogEvent::message).containsExactly("still shipped");
        }
    }

    @Test
    void aMissingGroupDropsLinesButNeverThrows() {
        try (TaskLogShipper shipper = new TaskLogShipper(moto.aws().logs())) {
            TaskLogShipper.Stream stream = shipper.open("/ecs/not-provisioned", "app/web/lost");
            stream.append("nowhere to go");
            shipper.flush();
            stream.close();
            assertThat(stream.shipped()).isZero();
            assertThat(stream.dropped()).isEqualTo(1);
        }
    }

    private List<OutputLogEvent> events(String stream) {
        return moto.aws().logs().getLogEvents(r -> r.logGroupName(GROUP).logStreamName(stream).startFromHead(true)).events();
    }
}
