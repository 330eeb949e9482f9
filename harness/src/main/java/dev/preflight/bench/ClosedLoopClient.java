package dev.preflight.bench;

import java.net.URI;
import java.time.Duration;

/** The closed-loop client of the proxy comparison: the same one for every row. */
interface ClosedLoopClient {
    /** e.g. "wrk 4.1.0, 1 thread" */
    String describe();

    LoadResult run(URI url, int connections, Duration duration) throws Exception;
}
