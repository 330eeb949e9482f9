package dev.preflight.front;

/** The caller's request sent on to the AWS engine, with this body; the engine's answer, whole. */
@FunctionalInterface
interface EngineCall {
    HttpAnswer send(byte[] body);
}
