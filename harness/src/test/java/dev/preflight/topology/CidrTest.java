package dev.preflight.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "10.0.256.0/24", "10.0.0/24", "010.0.0.0/16", " 10.0.0.0/16",
            "10.0.0.0/", "a.b.c.d/16", "10.0.0.0/16/1", ""})
    void rejectsMalformedBlocks(String text) {
        assertThat(Cidr.parse(text)).isEmpty();
    }

    @Test
    void parsesAndPrints() {
        Cidr cidr = Cidr.parse("10.20.0.0/16").orElseThrow();

        assertThat(cidr.prefix()).isEqualTo(16);
        assertThat(cidr.hostBitsSet()).isFalse();
        assertThat(cidr).hasToString("10.20.0.0/16");
        assertThat(Cidr.parse("0.0.0.0/0").orElseThrow().contains(cidr)).isTrue();
    }

    @Test
    void detectsHostBitsAndGivesTheNetwork() {
        Cidr cidr = Cidr.parse("10.20.1.0/16").orElseThrow();

        assertThat(cidr.hostBitsSet()).isTrue();
        assertThat(cidr.network()).hasToString("10.20.0.0/16");
    }

    @Test
    void containmentAndOverlap() {
        Cidr vpc = Cidr.parse("10.20.0.0/16").orElseThrow();
        Cidr a = Cidr.parse("10.20.1.0/24").orElseThrow();
        Cidr b = Cidr.parse("10.20.1.128/25").orElseThrow();
        Cidr c = Cidr.parse("10.20.2.0/24").orElseThrow();
        Cidr outside = Cidr.parse("10.21.0.0/24").orElseThrow();

        assertThat(vpc.contains(a)).isTrue();
        assertThat(a.contains(vpc)).isFalse();
        assertThat(vpc.contains(outside)).isFalse();
        assertThat(a.overlaps(b)).isTrue();
        assertThat(b.overlaps(a)).isTrue();
        assertThat(a.overlaps(c)).isFalse();
        assertThat(Cidr.parse("255.255.255.255/32").orElseThrow().last()).isEqualTo(0xFFFFFFFFL);
    }
}
