package dev.preflight.engine;

/** An engine could not be configured, started or reached; the message says what to do next. */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
