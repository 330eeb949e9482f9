package dev.preflight.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

public record Subnet(String cidr, String availabilityZone, @JsonProperty("public") Boolean isPublic) {
    public Subnet {
        isPublic = isPublic != null && isPublic;
    }
}
