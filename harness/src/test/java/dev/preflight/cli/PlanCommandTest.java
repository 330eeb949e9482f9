package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.topology.cloudformation.TemplateReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `preflight plan` on a CloudFormation template: every resource with its fate, the model it validates into; bad input exits 2. */
class PlanCommandTest {
    private static final Path REFERENCE = locate("fixtures/cloudformation/reference.yaml");

    @TempDir
    Path dir;

    @AfterEach
    void clearTemplateOptions() {
        System.clearProperty(TemplateReader.Options.PARAMETERS_PROPERTY);
        System.clearProperty(TemplateReader.Options.STACK_PROPERTY);
    }

    private static CliRun plan(String... args) {
        return CliRun.of("plan", args);
    }

    @Test
    void everyResourceOfTheTemplateIsPrintedWithWhatBecomesOfIt() {
        CliRun run = plan("--topology", REFERENCE.toString(), "--parameter", "Stage=prod");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("ApiService", "-> ecs.services.api")
                .contains("ApiTaskDefinition", "-> folded into ecs.services.api")
                .contains("Gateway", "not emulated: routing to the internet is not emulated")
                .contains("35 mapped, 16 folded into another, 2 not emulated")
                .contains("reference-dev in us-east-1", "3 ECS services", "valid");
        assertThat(run.out().lines().filter(l -> l.startsWith("  ")).count()).as("one line per resource").isEqualTo(53);
    }

    @Test
    void aTemplateThatCannotBeReadExitsTwoWithOneMessage() throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "Resources:\n  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !Cidr [a, 2, 8] } }\n");
        CliRun run = plan("--topology", broken.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(broken.toString(), "Resources.Vpc.Properties.CidrBlock.Fn::Cidr", "Fix:");
        CliRun parameter = plan("--topology", REFERENCE.toString(), "--parameter", "Stage=qa");
        assertThat(parameter.exit()).isEqualTo(2);
        assertThat(parameter.err()).contains("Parameters.Stage: 'qa' is not one of its AllowedValues");
    }

    private static Path locate(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(relative))) {
            p = p.getParent();
        }
        return p == null ? Path.of(relative) : p.resolve(relative);
    }
}
