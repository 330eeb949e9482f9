package dev.preflight.engine;

/**
 * A backing service. Starting twice is harmless, closing twice too; close also works after a failed
 * start and removes whatever the start left.
 */
public interface Engine extends AutoCloseable {
    void start();

    @Override
    void close();

    /** One line for reports: what runs and where, e.g. "moto_server 5.2.1 at http://127.0.0.1:40123". */
    String description();
}
