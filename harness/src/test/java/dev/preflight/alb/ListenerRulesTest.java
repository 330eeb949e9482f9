package dev.preflight.alb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.topology.LoadBalancer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListenerRulesTest {
    private static final Set<String> GROUPS = Set.of("web", "api", "admin", "images");

    private static LoadBalancer.ListenerRule rule(int priority, List<String> paths, List<String> hosts, String group) {
        return new LoadBalancer.ListenerRule(priority, paths, hosts, group);
    }

    private static ListenerRules rules(LoadBalancer.ListenerRule... rules) {
        return ListenerRules.from("web", new LoadBalancer.Listener(80, "HTTP", "web", List.of(rules)), GROUPS);
    }

    @Test
    void pathPatternsAreCaseSensitiveWithStarAndQuestionMark() {
        WildcardPattern api = WildcardPattern.path("/api/*");
        assertThat(api.matches("/api/orders")).isTrue();
        assertThat(api.matches("/api/")).isTrue();
        assertThat(api.matches("/api")).isFalse();
        assertThat(api.matches("/API/orders")).isFalse();
        WildcardPattern one = WildcardPattern.path("/img?.png");
        assertThat(one.matches("/img1.png")).isTrue();
        assertThat(one.matches("/img.png")).isFalse();
        assertThat(one.matches("/img12.png")).isFalse();
        assertThat(WildcardPattern.path("/a.b").matches("/aXb")).as("regex characters are literal").isFalse();
    }

    @Test
    void hostPatternsAreCaseInsensitiveAndWholeHost() {
        WildcardPattern wildcard = WildcardPattern.host("*.example.com");
        assertThat(wildcard.matches("www.example.com")).isTrue();
        assertThat(wildcard.matches("WWW.Example.COM")).isTrue();
        assertThat(wildcard.matches("example.com")).isFalse();
        assertThat(WildcardPattern.host("Admin.*").matches("admin.example.com")).isTrue();
    }

    @Test
    void hostHeaderPortIsIgnored() {
        assertThat(ListenerRules.hostWithoutPort("admin.example.com:8080")).isEqualTo("admin.example.com");
        assertThat(ListenerRules.hostWithoutPort("admin.example.com")).isEqualTo("admin.example.com");
        assertThat(ListenerRules.hostWithoutPort("[::1]:80")).isEqualTo("[::1]");
        assertThat(ListenerRules.hostWithoutPort(null)).isNull();
    }

    @Test
    void lowestPriorityWinsThenDefault() {
        ListenerRules rules = rules(
                rule(20, List.of(), List.of("admin.*"), "admin"),
                rule(10, List.of("/api/*"), List.of(), "api"),
                rule(5, List.of("/api/admin*"), List.of("admin.*"), "admin"));
        assertThat(rules.targetGroupFor("www.example.com", "/api/x")).isEqualTo("api");
        assertThat(rules.targetGroupFor("admin.example.com:443", "/api/x")).as("priority 10 before 20").isEqualTo("api");
        assertThat(rules.targetGroupFor("admin.example.com", "/api/admin/users")).as("priority 5: both conditions").isEqualTo("admin");
        assertThat(rules.targetGroupFor("www.example.com", "/api/admin/users")).as("host condition fails").isEqualTo("api");
        assertThat(rules.targetGroupFor("ADMIN.example.com", "/")).isEqualTo("admin");
        assertThat(rules.targetGroupFor("www.example.com", "/")).isEqualTo("web");
        assertThat(rules.targetGroupFor(null, "/")).isEqualTo("web");
    }

    @Test
    void anyValueOfAConditionMatches() {
        ListenerRules rules = rules(rule(1, List.of("/img/*", "*.png"), List.of(), "images"));
        assertThat(rules.targetGroupFor("h", "/img/a")).isEqualTo("images");
        assertThat(rules.targetGroupFor("h", "/static/logo.png")).isEqualTo("images");
        assertThat(rules.targetGroupFor("h", "/static/logo.jpg")).isEqualTo("web");
    }

    @Test
    void unknownTargetGroupIsNamedAtStart() {
        assertThatThrownBy(() -> rules(rule(10, List.of("/api/*"), List.of(), "apii")))
                .isInstanceOf(LoadBalancerException.class)
                .hasMessageContaining("priority 10")
                .hasMessageContaining("'apii'")
                .hasMessageContaining("api");
        assertThatThrownBy(() -> ListenerRules.from("web", new LoadBalancer.Listener(80, "HTTP", "nope", List.of()), GROUPS))
                .isInstanceOf(LoadBalancerException.class)
                .hasMessageContaining("defaultTargetGroup 'nope'");
    }
}
