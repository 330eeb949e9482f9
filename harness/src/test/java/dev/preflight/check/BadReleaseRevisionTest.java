package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.topology.TargetGroup;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/** The bad revision asks a path no image serves with the image's own tool, or fails outright where there is no check. */
class BadReleaseRevisionTest {
    private static final TargetGroup API = new TargetGroup(8080, new TargetGroup.HealthCheck("/health", 15, 5, 3, 2, "200"), 75, null);

    @Test
    void theHealthPathInTheImagesOwnCheckIsReplaced() {
        ContainerDefinition c = ContainerDefinition.builder().name("api").image("api:proposed")
                .healthCheck(HealthCheck.builder().command("CMD-SHELL", "curl -f http://localhost:8080/health").interval(30).retries(3).build()).build();
        ContainerDefinition bad = BadReleaseCheck.badHealthCheck(c, API);
        assertThat(bad.healthCheck().command()).containsExactly("CMD-SHELL", "curl -f http://localhost:8080" + BadReleaseCheck.NOT_SERVED);
        assertThat(bad.healthCheck().interval()).isEqualTo(30);
        assertThat(bad.image()).isEqualTo("api:proposed");
    }

    @Test
    void withoutAContainerCheckTheRevisionAddsOneThatFails() {
        ContainerDefinition bad = BadReleaseCheck.badHealthCheck(ContainerDefinition.builder().name("greeter").build(), API);
        assertThat(bad.healthCheck().command()).containsExactly("CMD-SHELL", "exit 1");
        assertThat(bad.healthCheck().interval()).as("ECS's defaults").isEqualTo(30);
    }
}
