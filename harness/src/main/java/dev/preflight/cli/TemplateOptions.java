package dev.preflight.cli;

import dev.preflight.topology.cloudformation.TemplateReader;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --stack} and {@code --parameter K=V}, for a {@code --topology} that is a CloudFormation template
 * or a cdk.out: they become the reader's system properties, so every part of the run reads the same stack.
 */
final class TemplateOptions {
    @Option(names = "--stack", description = "the stack of a cdk.out that holds several")
    String stack;

    @Option(names = "--parameter", description = "a template parameter's value, K=V (repeat for more)")
    List<String> parameters = new ArrayList<>();

    void apply() {
        if (stack != null) {
            System.setProperty(TemplateReader.Options.STACK_PROPERTY, stack);
        }
        for (String p : parameters) {
            if (!p.contains("=")) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new PreflightCli()),
                        "--parameter wants NAME=VALUE, not '" + p + "'");
            }
        }
        if (!parameters.isEmpty()) {
            System.setProperty(TemplateReader.Options.PARAMETERS_PROPERTY, String.join(",", parameters));
        }
    }
}
