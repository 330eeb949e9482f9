package dev.preflight.topology;

/** DNS hostnames are always on: awsvpc tasks need them (and moto's RunTask insists). */
public record Vpc(String cidr) {
}
