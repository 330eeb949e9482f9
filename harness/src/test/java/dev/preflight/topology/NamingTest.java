package dev.preflight.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamingTest {
    /** ELBv2's rule for target group and load balancer names. */
    private static final String ELB_NAME = "(?!.*--)(?!^-)(?!.*-$)^[A-Za-z0-9-]{1,32}$";

    @Test
    void shortElbNamesAreThePlainName() {
        assertThat(new Naming("shop", "dev").elbName("api")).isEqualTo("shop-dev-api");
    }

    @Test
    void longElbNamesFitElbsRuleAndStayApart() {
        Naming naming = new Naming("gatehealthcheckaheadofimage", "dev");
        String api = naming.elbName("api");
        String admin = naming.elbName("admin");
        assertThat(api).matches(ELB_NAME).startsWith("gatehealthcheck");
        assertThat(admin).matches(ELB_NAME);
        assertThat(api).isNotEqualTo(admin);
        assertThat(naming.elbName("api")).isEqualTo(api);
    }
}
