package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.topology.TopologyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a team's infrastructure code into Preflight's model: a CloudFormation template (JSON or YAML,
 * short-form tags included) or a CDK {@code cdk.out} folder (its manifest; {@link Options#stack()}
 * where it holds several; the stacks it imports values from are read with it). Parameters take the
 * given values, then their defaults (CDK's bootstrap parameter and rule are CDK's own and skipped);
 * conditions, intrinsic functions and {@code DependsOn} are resolved as CloudFormation would; each
 * resource is mapped by {@link TemplateMapper}. Anything it cannot read is one
 * {@link TopologyException} naming the template, the logical id, the property path and the fix.
 */
public final class TemplateReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** CDK's bootstrap version: an SSM parameter of the deploying account, checked by CDK's rule; meaningless offline. */
    private static final String CDK_BOOTSTRAP_PARAMETER = "BootstrapVersion";

    /**
     * @param stack      the stack of a cdk.out holding several (null: the only one)
     * @param parameters values for the template's parameters, by name
     * @param region     the region the pseudo parameter AWS::Region and Fn::GetAZs answer with
     */
    public record Options(String stack, Map<String, String> parameters, String region) {
        public static final String STACK_PROPERTY = "preflight.stack";
        public static final String PARAMETERS_PROPERTY = "preflight.parameters";
        public static final String REGION_PROPERTY = "preflight.region";

        public Options {
            parameters = Map.copyOf(parameters);
            region = region == null ? "us-east-1" : region;
        }

        /** From -Dpreflight.stack, -Dpreflight.parameters=K=V,K2=V2 and -Dpreflight.region (default us-east-1). */
        public static Options fromSystem() {
            Map<String, String> parameters = new LinkedHashMap<>();
            String given = System.getProperty(PARAMETERS_PROPERTY, "");
            for (String pair : given.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
            return new Options(System.getProperty(STACK_PROPERTY), parameters, System.getProperty(REGION_PROPERTY));
        }
    }

    private TemplateReader() {
    }

    /** True for a template file (.json, .yaml, .yml, .template) or a folder holding a CDK manifest.json. */
    public static boolean isTemplate(Path path) {
        if (Files.isDirectory(path)) {
            return Files.isRegularFile(path.resolve("manifest.json"));
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(path) && (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")
                || name.endsWith(".template"));
    }

    public static TemplateRead read(Path source, Options options) {
        Path absolute = source.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return readCdkOut(absolute, options);
        }
        String stack = absolute.getFileName().toString().replaceFirst("(\\.template)?\\.(json|ya?ml|template)$", "");
        return readStacks(List.of(new Stack(stack, absolute, CdkAssets.NONE)), absolute.getParent(), options);
    }

    // ---- cdk.out -------------------------------------------------------------------------------

    private record Stack(String name, Path template, CdkAssets assets) {
    }

    private static TemplateRead readCdkOut(Path dir, Options options) {
        Path manifestFile = dir.resolve("manifest.json");
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(manifestFile, "", "cannot read the CDK manifest: " + e.getMessage(),
                    "synthesize the app again (node app.js, or cdk synth)"));
        }
        Map<String, Stack> stacks = new LinkedHashMap<>();
        Map<String, Path> assetFiles = new LinkedHashMap<>();
        manifest.path("artifacts").fields().forEachRemaining(e -> {
            JsonNode a = e.getValue();
            if (a.path("type").asText().equals("aws:cloudformation:stack")) {
                stacks.put(e.getKey(), new Stack(e.getKey(), dir.resolve(a.path("properties").path("templateFile").asText()), null));
            } else if (a.path("type").asText().equals("cdk:asset-manifest")) {
                assetFiles.put(e.getKey().replaceFirst("\\.assets$", ""), dir.resolve(a.path("properties").path("file").asText()));
            }
        });
        if (stacks.isEmpty()) {
            throw new TopologyException(new TopologyException.Problem(manifestFile, "artifacts", "the cdk.out holds no stack",
                    "synthesize an app that defines a Stack"));
        }
        String selected = options.stack();
        if (selected == null && stacks.size() > 1) {
            throw new TopologyException(new TopologyException.Problem(manifestFile, "artifacts", "the cdk.out holds several stacks "
                    + stacks.keySet(), "choose one with --stack NAME (-D" + Options.STACK_PROPERTY + "=NAME)"));
        }
        String name = selected != null ? selected : stacks.keySet().iterator().next();
        if (!stacks.containsKey(name)) {
            throw new TopologyException(new TopologyException.Problem(manifestFile, "artifacts", "no stack '" + name + "' in the cdk.out",
                    "use one of " + stacks.keySet()));
        }
        // The stack, after the stacks it imports values from (their exports must be read first).
        List<Stack> order = new ArrayList<>();
        addWithExporters(name, stacks, assetFiles, order, new ArrayList<>());
        return readStacks(order, dir, options);
    }

    private static void addWithExporters(String name, Map<String, Stack> stacks, Map<String, Path> assetFiles, List<Stack> order,
                                         List<String> visiting) {
        if (order.stream().anyMatch(s -> s.name().equals(name)) || visiting.contains(name)) {
            return;
        }
        visiting.add(name);
        Stack stack = stacks.get(name);
        String text;
        try {
            text = Files.readString(stack.template());
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(stack.template(), "", "cannot read: " + e.getMessage(),
                    "synthesize the app again"));
        }
        for (Map.Entry<String, Stack> other : stacks.entrySet()) {
            if (!other.getKey().equals(name) && importsFrom(text, other.getValue())) {
                addWithExporters(other.getKey(), stacks, assetFiles, order, visiting);
            }
        }
        order.add(new Stack(name, stack.template(), CdkAssets.read(assetFiles.get(name))));
    }

    private static boolean importsFrom(String text, Stack exporter) {
        if (!text.contains("Fn::ImportValue")) {
            return false;
        }
        JsonNode outputs = TemplateParser.read(exporter.template()).path("Outputs");
        for (JsonNode o : outputs) {
            JsonNode export = o.path("Export").path("Name");
            if (export.isTextual() && text.contains("\"" + export.asText() + "\"")) {
                return true;
            }
        }
        return false;
    }

    // ---- stacks --------------------------------------------------------------------------------

    private static TemplateRead readStacks(List<Stack> stacks, Path baseDir, Options options) {
        Stack main = stacks.get(stacks.size() - 1);
        Map<String, ObjectNode> templates = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> stackOf = new LinkedHashMap<>();
        for (Stack s : stacks) {
            ObjectNode template = TemplateParser.read(s.template());
            templates.put(s.name(), template);
            template.path("Resources").fields().forEachRemaining(e -> {
                String type = e.getValue().path("Type").asText(null);
                if (type == null) {
                    throw problem(s.template(), "Resources." + e.getKey(), "has no Type", "give the resource its AWS type, e.g. Type: AWS::S3::Bucket");
                }
                if (stackOf.containsKey(e.getKey())) {
                    throw problem(s.template(), "Resources." + e.getKey(), "the logical id is used by stack " + stackOf.get(e.getKey()) + " too",
                            "give the resources of stacks read together distinct logical ids");
                }
                types.put(e.getKey(), type);
                stackOf.put(e.getKey(), s.name());
            });
        }
        PhysicalIds ids = new PhysicalIds(options.region(), Intrinsics.ACCOUNT, types);
        Map<String, JsonNode> exports = new LinkedHashMap<>();
        Map<String, ObjectNode> properties = new LinkedHashMap<>();
        Map<String, JsonNode> metadata = new LinkedHashMap<>();
        List<ResourceFate> skipped = new ArrayList<>();
        CdkAssets assets = main.assets();
        for (Stack s : stacks) {
            ObjectNode template = templates.get(s.name());
            try {
                boolean isMain = s == main;
                Intrinsics intrinsics = new Intrinsics(parameters(template, isMain ? options.parameters() : Map.of(), s.template()),
                        template.get("Mappings"), template.get("Conditions"), ids, name -> Optional.ofNullable(exports.get(name)),
                        options.region(), s.name());
                template.path("Resources").fields().forEachRemaining(e -> {
                    String id = e.getKey();
                    JsonNode resource = e.getValue();
                    String where = "Resources." + id;
                    if (resource.has("Condition") && !intrinsics.condition(resource.get("Condition").asText(), where + ".Condition")) {
                        skipped.add(new ResourceFate(id, types.get(id), ResourceFate.Kind.CONDITION_FALSE,
                                "its Condition " + resource.get("Condition").asText() + " is false", null));
                        return;
                    }
                    dependsOn(resource.get("DependsOn"), types, where);
                    JsonNode props = resource.path("Properties");
                    PropertyNames.check(types.get(id), props, where + ".Properties");
                    JsonNode evaluated = intrinsics.eval(props.isMissingNode() ? NODES.objectNode() : props, where + ".Properties");
                    properties.put(id, (ObjectNode) evaluated);
                    if (resource.has("Metadata")) {
                        metadata.put(id, resource.get("Metadata"));
                    }
                });
                template.path("Outputs").fields().forEachRemaining(e -> {
                    JsonNode export = e.getValue().path("Export").path("Name");
                    if (!export.isMissingNode()) {
                        String name = intrinsics.text(export, "Outputs." + e.getKey() + ".Export.Name");
                        exports.put(name, intrinsics.eval(e.getValue().path("Value"), "Outputs." + e.getKey() + ".Value"));
                    }
                });
            } catch (TemplateProblem p) {
                throw problem(s.template(), p.where(), p.getMessage(), p.fix());
            }
        }
        Map<String, String> present = new LinkedHashMap<>();
        types.forEach((id, type) -> {
            if (properties.containsKey(id)) {
                present.put(id, type);
            }
        });
        TemplateMapper mapper = new TemplateMapper(main.name(), present, properties, metadata, ids, assets);
        try {
            mapper.map(projectName(main.name()), options.region());
        } catch (TemplateProblem p) {
            throw problem(main.template(), p.where(), p.getMessage(), p.fix());
        }
        List<ResourceFate> fates = new ArrayList<>(mapper.fates());
        fates.addAll(skipped);
        return new TemplateRead(main.name(), main.template(), baseDir, mapper.tree(), fates, mapper.origins());
    }

    /** The values of the template's parameters: given, else default; a parameter with neither is a problem. */
    private static Map<String, JsonNode> parameters(ObjectNode template, Map<String, String> given, Path file) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        template.path("Parameters").fields().forEachRemaining(e -> {
            String name = e.getKey();
            JsonNode p = e.getValue();
            String type = p.path("Type").asText("String");
            String value = given.containsKey(name) ? given.get(name) : p.has("Default") ? p.get("Default").asText() : null;
            if (value == null) {
                throw problem(file, "Parameters." + name, "no value for the parameter (it has no Default)",
                        "give one with --parameter " + name + "=VALUE (-D" + Options.PARAMETERS_PROPERTY + "=" + name + "=VALUE)");
            }
            JsonNode allowed = p.path("AllowedValues");
            if (allowed.isArray() && allowed.size() > 0 && !name.equals(CDK_BOOTSTRAP_PARAMETER)) {
                boolean ok = false;
                for (JsonNode a : allowed) {
                    ok |= a.asText().equals(value);
                }
                if (!ok) {
                    throw problem(file, "Parameters." + name, "'" + value + "' is not one of its AllowedValues " + allowed,
                            "give one of " + allowed);
                }
            }
            if (type.equals("Number")) {
                values.put(name, value.contains(".") ? NODES.numberNode(Double.parseDouble(value)) : NODES.numberNode(Long.parseLong(value)));
            } else if (type.startsWith("List<") || type.equals("CommaDelimitedList")) {
                ArrayNode list = NODES.arrayNode();
                for (String part : value.split(",")) {
                    list.add(part.trim());
                }
                values.put(name, list);
            } else {
                values.put(name, NODES.textNode(value));
            }
        });
        for (String name : given.keySet()) {
            if (!template.path("Parameters").has(name)) {
                List<String> known = new ArrayList<>();
                template.path("Parameters").fieldNames().forEachRemaining(known::add);
                throw problem(file, "Parameters", "the template has no parameter '" + name + "'", "use one of " + known);
            }
        }
        return values;
    }

    private static void dependsOn(JsonNode dependsOn, Map<String, String> types, String where) {
        if (dependsOn == null) {
            return;
        }
        for (JsonNode d : dependsOn.isArray() ? dependsOn : NODES.arrayNode().add(dependsOn)) {
            if (!types.containsKey(d.asText())) {
                throw new TemplateProblem(where + ".DependsOn", "depends on '" + d.asText() + "', which is not a resource of the template",
                        "name a logical id of the template's Resources");
            }
        }
    }

    /** The project name the model gives the stack's AWS names: the stack name in kebab case. */
    static String projectName(String stack) {
        String kebab = stack.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        return kebab.isEmpty() ? "stack" : kebab;
    }

    private static TopologyException problem(Path file, String where, String message, String fix) {
        return new TopologyException(new TopologyException.Problem(file, where, message, fix));
    }
}
