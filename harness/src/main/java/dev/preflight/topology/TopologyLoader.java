package dev.preflight.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.preflight.topology.cloudformation.TemplateRead;
import dev.preflight.topology.cloudformation.TemplateReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads {@code base.yaml} and {@code environments/<env>.yaml} from a topology folder, merges the
 * overlay into the base, binds the result to the immutable model and validates it. Every failure is
 * a {@link TopologyException} naming the file and the path in it.
 */
public final class TopologyLoader {

    public static final String BASE_FILE = "base.yaml";
    public static final String ENVIRONMENTS_DIR = "environments";

    private final YAMLMapper mapper;

    public TopologyLoader() {
        mapper = YAMLMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
    }

    /** Loads and validates one environment; throws {@link TopologyException} on any problem. */
    public Topology load(Path dir, String environment) {
        return load(dir, environment, List.of());
    }

    /**
     * Loads one environment with {@code overlays} laid over it in order, each merged and checked like
     * the environment's own overlay, then validates the result.
     */
    public Topology load(Path dir, String environment, List<Overlay> overlays) {
        if (TemplateReader.isTemplate(dir)) {
            return loadTemplate(TemplateReader.read(dir, TemplateReader.Options.fromSystem()), environment, overlays);
        }
        Path baseFile = dir.resolve(BASE_FILE);
        Path overlayFile = dir.resolve(ENVIRONMENTS_DIR).resolve(environment + ".yaml");
        if (!Files.isRegularFile(baseFile)) {
            throw new TopologyException(new TopologyException.Problem(baseFile, "", "file not found",
                    "point the harness at a topology folder holding base.yaml (preflight.topology.dir)"));
        }
        if (!Files.isRegularFile(overlayFile)) {
            throw new TopologyException(new TopologyException.Problem(overlayFile, "",
                    "unknown environment '" + environment + "'",
                    "use one of " + environments(dir) + " or add " + ENVIRONMENTS_DIR + "/" + environment + ".yaml"));
        }
        ObjectNode base = read(baseFile);
        ObjectNode overlay = read(overlayFile);
        SourceMap sources = new SourceMap(baseFile, overlayFile, overlay);

        // Typos in the base are reported against the base before the overlay hides them.
        bind(base.deepCopy(), environment, sources.baseOnly());
        List<TopologyException.Problem> shapeProblems = new ArrayList<>();
        checkOverlayShape(base, overlay, "", overlayFile, shapeProblems);
        ObjectNode merged = base.deepCopy();
        merge(merged, overlay);
        for (Overlay extra : overlays) {
            ObjectNode tree = parse(extra.source(), extra.text());
            checkOverlayShape(base, tree, "", extra.source(), shapeProblems);
            sources = sources.with(extra.source(), tree);
            merge(merged, tree);
        }
        if (!shapeProblems.isEmpty()) {
            // A key the model does not know at all is a typo: binding reports it with the model's did-you-mean.
            bind(merged.deepCopy(), environment, sources);
            throw new TopologyException(shapeProblems);
        }
        // Build folders are relative to the topology folder (base.yaml's), whichever file set them.
        Topology topology = bind(merged, environment, sources).withBuildsResolvedAgainst(dir);
        List<TopologyException.Problem> problems = new TopologyValidator(topology, sources).validate();
        if (!problems.isEmpty()) {
            throw new TopologyException(problems);
        }
        return topology;
    }

    /**
     * A CloudFormation template or cdk.out read into the model ({@link TemplateReader}), with
     * {@code overlays} laid over it, bound and validated like a topology folder; a problem names the
     * template and the logical id the model path came from.
     */
    public Topology loadTemplate(TemplateRead read, String environment, List<Overlay> overlays) {
        SourceMap sources = new SourceMap(read.template(), read.template(), null);
        ObjectNode merged = read.tree().deepCopy();
        List<TopologyException.Problem> shapeProblems = new ArrayList<>();
        for (Overlay extra : overlays) {
            ObjectNode tree = parse(extra.source(), extra.text());
            checkOverlayShape(read.tree(), tree, "", extra.source(), shapeProblems);
            sources = sources.with(extra.source(), tree);
            merge(merged, tree);
        }
        try {
            if (!shapeProblems.isEmpty()) {
                throw new TopologyException(shapeProblems);
            }
            Topology topology = bind(merged, environment, sources).withBuildsResolvedAgainst(read.baseDir());
            List<TopologyException.Problem> problems = new TopologyValidator(topology, sources).validate();
            if (!problems.isEmpty()) {
                throw new TopologyException(problems);
            }
            return topology;
        } catch (TopologyException e) {
            throw new TopologyException(e.problems().stream().map(p -> !p.file().equals(read.template()) || read.originOf(p.path()) == null ? p
                    : new TopologyException.Problem(p.file(), p.path() + " (from " + read.originOf(p.path()) + ")", p.message(), p.fix()))
                    .toList());
        }
    }

    /** The environments a folder defines, by overlay file name, sorted; a template is one environment, named dev unless given. */
    public static List<String> environments(Path dir) {
        if (TemplateReader.isTemplate(dir)) {
            return List.of("dev");
        }
        Path envDir = dir.resolve(ENVIRONMENTS_DIR);
        if (!Files.isDirectory(envDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(envDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private ObjectNode read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(file, "", "cannot read: " + e.getMessage(),
                    "check the file exists and is readable"));
        }
    }

    private ObjectNode parse(Path file, String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            String message = e.getOriginalMessage();
            String fix = message.startsWith("Duplicate field")
                    ? "give each resource a unique name (a key may appear only once in a mapping)"
                    : "correct the YAML syntax";
            throw new TopologyException(new TopologyException.Problem(file, where, message, fix));
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(file, "", "cannot read: " + e.getMessage(),
                    "check the file exists and is readable"));
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return mapper.createObjectNode();
        }
        if (!node.isObject()) {
            throw new TopologyException(new TopologyException.Problem(file, "", "the document is not a mapping",
                    "start the file with top-level keys such as 'network:' and 'ecs:'"));
        }
        return (ObjectNode) node;
    }

    /** A service's {@code check} settings, which an overlay may add (a change's own load path, a check it skips). */
    private static final java.util.regex.Pattern GATE_SETTINGS = java.util.regex.Pattern.compile("ecs\\.services\\.[^.]+\\.check(\\..*)?");

    /** An overlay changes values; it never adds resources or keys the base does not have (but for gate settings). */
    private static void checkOverlayShape(JsonNode base, JsonNode overlay, String path, Path overlayFile,
                                          List<TopologyException.Problem> problems) {
        if (!overlay.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JsonNode baseChild = base == null ? null : base.get(field.getKey());
            if ((baseChild == null || baseChild.isNull()) && GATE_SETTINGS.matcher(childPath).matches()) {
                continue; // how the gate checks a service is no part of the environment's shape
            }
            if (baseChild == null || baseChild.isNull()) {
                Collection<String> known = new ArrayList<>();
                if (base != null) {
                    base.fieldNames().forEachRemaining(known::add);
                }
                String hint = Suggestions.closest(field.getKey(), known)
                        .map(s -> "did you mean '" + s + "'? ").orElse("");
                problems.add(new TopologyException.Problem(overlayFile, childPath,
                        "'" + field.getKey() + "' is not in base.yaml; an overlay may only change values the base defines",
                        hint + "declare it in base.yaml first (every environment has the same shape)"));
            } else if (field.getValue().isObject() && baseChild.isObject()) {
                checkOverlayShape(baseChild, field.getValue(), childPath, overlayFile, problems);
            }
        }
    }

    /** Deep merge: objects merge key by key; scalars and lists in the overlay replace the base's. */
    private static void merge(ObjectNode target, JsonNode overlay) {
        overlay.fields().forEachRemaining(field -> {
            JsonNode existing = target.get(field.getKey());
            if (existing != null && existing.isObject() && field.getValue().isObject()) {
                merge((ObjectNode) existing, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        });
    }

    private Topology bind(ObjectNode tree, String environment, SourceMap sources) {
        if (tree.has("environment")) {
            throw new TopologyException(new TopologyException.Problem(sources.fileFor("environment"), "environment",
                    "the environment is named by its overlay file, not in the YAML",
                    "remove the 'environment' key"));
        }
        tree.put("environment", environment);
        try {
            return mapper.treeToValue(tree, Topology.class);
        } catch (UnrecognizedPropertyException e) {
            String path = SourceMap.pathOf(e.getPath());
            Collection<String> known = e.getKnownPropertyIds().stream().map(Object::toString)
                    .filter(k -> !k.equals("environment")).sorted(Comparator.naturalOrder()).toList();
            String fix = Suggestions.closest(e.getPropertyName(), known)
                    .map(s -> "did you mean '" + s + "'?")
                    .orElse("use one of " + known);
            throw new TopologyException(new TopologyException.Problem(sources.fileFor(path), path,
                    "unknown key '" + e.getPropertyName() + "'", fix));
        } catch (InvalidFormatException e) {
            String path = SourceMap.pathOf(e.getPath());
            throw new TopologyException(new TopologyException.Problem(sources.fileFor(path), path,
                    "'" + e.getValue() + "' is not a valid " + simpleType(e.getTargetType()),
                    "write a " + simpleType(e.getTargetType()) + " value"));
        } catch (MismatchedInputException e) {
            String path = SourceMap.pathOf(e.getPath());
            String expected = simpleType(e.getTargetType());
            throw new TopologyException(new TopologyException.Problem(sources.fileFor(path), path,
                    "expected " + expected, "write a " + expected + " here"));
        } catch (ValueInstantiationException e) {
            // The records copy their lists with List.copyOf, which refuses a null element.
            String path = SourceMap.pathOf(e.getPath());
            String message = e.getCause() instanceof NullPointerException
                    ? "a list here has an empty entry" : e.getOriginalMessage();
            throw new TopologyException(new TopologyException.Problem(sources.fileFor(path), path, message,
                    "remove the empty entry (a bare '-', '~' or 'null' in a list)"));
        } catch (JsonMappingException e) {
            String path = SourceMap.pathOf(e.getPath());
            throw new TopologyException(new TopologyException.Problem(sources.fileFor(path), path,
                    e.getOriginalMessage(), "correct the value"));
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(sources.baseFile(), "", e.getMessage(),
                    "correct the file"));
        }
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "whole number";
        }
        if (type == Double.class || type == double.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (type == String.class) {
            return "string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "list";
        }
        return "mapping";
    }
}
