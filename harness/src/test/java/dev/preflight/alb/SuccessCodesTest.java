package dev.preflight.alb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SuccessCodesTest {
    @Test
    void singleListAndRange() {
        SuccessCodes single = SuccessCodes.parse("200", "here");
        assertThat(single.matches(200)).isTrue();
        assertThat(single.matches(204)).isFalse();

        SuccessCodes list = SuccessCodes.parse("200,204", "here");
        assertThat(list.matches(204)).isTrue();
        assertThat(list.matches(201)).isFalse();

        SuccessCodes range = SuccessCodes.parse("200-299", "here");
        assertThat(range.matches(200)).isTrue();
        assertThat(range.matches(299)).isTrue();
        assertThat(range.matches(300)).isFalse();
        assertThat(range.matches(199)).isFalse();

        SuccessCodes mixed = SuccessCodes.parse("200-204, 302", "here");
        assertThat(mixed.matches(302)).isTrue();
        assertThat(mixed.matches(301)).isFalse();
    }

    @Test
    void invalidMatcherNamesThePart() {
        assertThatThrownBy(() -> SuccessCodes.parse("200-ok", "target group 'api'"))
                .isInstanceOf(LoadBalancerException.class)
                .hasMessageContaining("target group 'api'")
                .hasMessageContaining("'200-ok'");
        assertThatThrownBy(() -> SuccessCodes.parse("299-200", "g")).isInstanceOf(LoadBalancerException.class);
    }
}
