package dev.preflight.engine;

import java.net.URI;

/** The AWS API emulator: one endpoint serving every AWS service the topology uses. */
public interface AwsEngine extends Engine {
    URI endpoint();

    /** moto, localstack or external: used to say which services this engine lacks. */
    String flavor();

    /** Credentials the emulator accepts; any non-empty pair works for moto and LocalStack. */
    default String accessKeyId() {
        return "preflight";
    }

    default String secretAccessKey() {
        return "preflight";
    }
}
