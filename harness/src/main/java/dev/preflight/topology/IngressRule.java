package dev.preflight.topology;

/** Allows one port from either a CIDR block or another security group of the topology (source). */
public record IngressRule(String protocol, Integer port, String cidr, String source) {
    public IngressRule {
        protocol = protocol == null ? "tcp" : protocol;
    }
}
