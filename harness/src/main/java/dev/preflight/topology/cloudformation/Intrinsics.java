package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions and conditions, evaluated as a stack update would: parameters,
 * pseudo parameters, {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join},
 * {@code Fn::Select}, {@code Fn::Split}, {@code Fn::GetAZs}, {@code Fn::FindInMap},
 * {@code Fn::ImportValue}, {@code Fn::If} with {@code AWS::NoValue}, {@code Fn::Base64}, and the
 * condition functions. A resource's own values are the stand-ins of {@link PhysicalIds}. What cannot be
 * evaluated is a {@link TemplateProblem} naming where and the fix.
 */
final class Intrinsics {
    static final String ACCOUNT = "123456789012";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final List<String> FUNCTIONS = List.of("Ref", "Condition", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select",
            "Fn::Split", "Fn::GetAZs", "Fn::FindInMap", "Fn::ImportValue", "Fn::If", "Fn::Base64", "Fn::Equals", "Fn::And", "Fn::Or",
            "Fn::Not");

    private final Map<String, JsonNode> parameters;
    private final JsonNode mappings;
    private final JsonNode conditionDefinitions;
    private final Map<String, Boolean> conditions = new java.util.HashMap<>();
    private final PhysicalIds ids;
    private final Function<String, Optional<JsonNode>> imports;
    private final String region;
    private final String stackName;

    Intrinsics(Map<String, JsonNode> parameters, JsonNode mappings, JsonNode conditions, PhysicalIds ids,
               Function<String, Optional<JsonNode>> imports, String region, String stackName) {
        this.parameters = parameters;
        this.mappings = mappings == null ? NODES.objectNode() : mappings;
        this.conditionDefinitions = conditions == null ? NODES.objectNode() : conditions;
        this.ids = ids;
        this.imports = imports;
        this.region = region;
        this.stackName = stackName;
    }

    /** The value with every function evaluated; {@link MissingNode} where {@code AWS::NoValue} removes it. */
    JsonNode eval(JsonNode node, String where) {
        if (node == null) {
            return MissingNode.getInstance();
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                JsonNode v = eval(node.get(i), where + "[" + i + "]");
                if (!v.isMissingNode()) {
                    out.add(v);
                }
            }
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String key = node.fieldNames().next();
            if (key.equals("Ref") || key.startsWith("Fn::")) {
                return function(key, node.get(key), where + "." + key);
            }
        }
        ObjectNode out = NODES.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode v = eval(f.getValue(), where + "." + f.getKey());
            if (!v.isMissingNode()) {
                out.set(f.getKey(), v);
            }
        }
        return out;
    }

    /** A string value, or a problem saying a string was expected. */
    String text(JsonNode node, String where) {
        JsonNode v = eval(node, where);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new TemplateProblem(where, "expected a string, found " + v, "give a string (or a function that returns one)");
        }
        return v.asText();
    }

    /** Whether a named condition of the template holds. */
    boolean condition(String name, String where) {
        Boolean known = conditions.get(name);
        if (known != null) {
            return known;
        }
        JsonNode definition = conditionDefinitions.get(name);
        if (definition == null) {
            throw new TemplateProblem(where, "unknown condition '" + name + "'", "declare it under Conditions or use one of "
                    + iterable(conditionDefinitions.fieldNames()));
        }
        conditions.put(name, false); // a condition that refers to itself is false, not a loop
        boolean value = truth(definition, "Conditions." + name);
        conditions.put(name, value);
        return value;
    }

    private boolean truth(JsonNode node, String where) {
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        if (!node.isObject() || node.size() != 1) {
            throw new TemplateProblem(where, "not a condition: " + node, "use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition");
        }
        String key = node.fieldNames().next();
        JsonNode arg = node.get(key);
        return switch (key) {
            case "Condition" -> condition(arg.asText(), where);
            case "Fn::Equals" -> {
                JsonNode args = list(arg, 2, key, where);
                yield scalar(eval(args.get(0), where)).equals(scalar(eval(args.get(1), where)));
            }
            case "Fn::Not" -> !truth(list(arg, 1, key, where).get(0), where + ".Fn::Not");
            case "Fn::And" -> {
                boolean all = true;
                for (JsonNode c : arg) {
                    all &= truth(c, where + ".Fn::And");
                }
                yield all;
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (JsonNode c : arg) {
                    any |= truth(c, where + ".Fn::Or");
                }
                yield any;
            }
            default -> truth(eval(node, where), where);
        };
    }

    private JsonNode function(String name, JsonNode arg, String where) {
        switch (name) {
            case "Ref" -> {
                return ref(arg.asText(), where);
            }
            case "Fn::GetAtt" -> {
                JsonNode a = eval(arg, where);
                String logical;
                String attribute;
                if (a.isArray() && a.size() == 2) {
                    logical = a.get(0).asText();
                    attribute = a.get(1).asText();
                } else if (a.isTextual() && a.asText().contains(".")) {
                    logical = a.asText().substring(0, a.asText().indexOf('.'));
                    attribute = a.asText().substring(a.asText().indexOf('.') + 1);
                } else {
                    throw new TemplateProblem(where, "Fn::GetAtt takes [LogicalId, Attribute], not " + a, "write [LogicalId, Attribute]");
                }
                requireResource(logical, where);
                return NODES.textNode(ids.att(logical, attribute));
            }
            case "Fn::Join" -> {
                JsonNode args = list(arg, 2, name, where);
                String delimiter = text(args.get(0), where + "[0]");
                JsonNode values = eval(args.get(1), where + "[1]");
                if (!values.isArray()) {
                    throw new TemplateProblem(where, "Fn::Join needs a list of values, found " + values, "give [delimiter, [values...]]");
                }
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < values.size(); i++) {
                    s.append(i == 0 ? "" : delimiter).append(scalar(values.get(i)));
                }
                return NODES.textNode(s.toString());
            }
            case "Fn::Select" -> {
                JsonNode args = list(arg, 2, name, where);
                int index = Integer.parseInt(text(args.get(0), where + "[0]"));
                JsonNode values = eval(args.get(1), where + "[1]");
                if (!values.isArray() || index < 0 || index >= values.size()) {
                    throw new TemplateProblem(where, "Fn::Select index " + index + " is outside " + values, "select an index of the list");
                }
                return values.get(index);
            }
            case "Fn::Split" -> {
                JsonNode args = list(arg, 2, name, where);
                String delimiter = text(args.get(0), where + "[0]");
                String value = text(args.get(1), where + "[1]");
                ArrayNode out = NODES.arrayNode();
                for (String part : value.split(Pattern.quote(delimiter), -1)) {
                    out.add(part);
                }
                return out;
            }
            case "Fn::Sub" -> {
                return NODES.textNode(sub(arg, where));
            }
            case "Fn::GetAZs" -> {
                String r = text(arg, where);
                String zoneRegion = r == null || r.isEmpty() ? region : r;
                return NODES.arrayNode().add(zoneRegion + "a").add(zoneRegion + "b").add(zoneRegion + "c");
            }
            case "Fn::FindInMap" -> {
                JsonNode args = list(arg, 3, name, where);
                String map = text(args.get(0), where + "[0]");
                String top = text(args.get(1), where + "[1]");
                String second = text(args.get(2), where + "[2]");
                JsonNode v = mappings.path(map).path(top).path(second);
                if (v.isMissingNode()) {
                    throw new TemplateProblem(where, "Mappings has no " + map + "." + top + "." + second,
                            "add it under Mappings or correct the keys");
                }
                return v;
            }
            case "Fn::ImportValue" -> {
                String export = text(arg, where);
                return imports.apply(export).orElseThrow(() -> new TemplateProblem(where, "no stack of this cdk.out exports '" + export + "'",
                        "read the cdk.out that holds the exporting stack, or give the value as a parameter"));
            }
            case "Fn::If" -> {
                JsonNode args = list(arg, 3, name, where);
                return condition(args.get(0).asText(), where) ? eval(args.get(1), where + "[1]") : eval(args.get(2), where + "[2]");
            }
            case "Fn::Base64" -> {
                return NODES.textNode(text(arg, where));
            }
            case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition" -> {
                ObjectNode f = NODES.objectNode();
                f.set(name, arg);
                return NODES.booleanNode(truth(f, where));
            }
            default -> throw new TemplateProblem(where, "the intrinsic function " + name + " is not supported",
                    "use one of " + FUNCTIONS + ", or compute the value before the template is read");
        }
    }

    private JsonNode ref(String name, String where) {
        switch (name) {
            case "AWS::Region" -> {
                return NODES.textNode(region);
            }
            case "AWS::AccountId" -> {
                return NODES.textNode(ACCOUNT);
            }
            case "AWS::Partition" -> {
                return NODES.textNode("aws");
            }
            case "AWS::URLSuffix" -> {
                return NODES.textNode("amazonaws.com");
            }
            case "AWS::StackName" -> {
                return NODES.textNode(stackName);
            }
            case "AWS::StackId" -> {
                return NODES.textNode("arn:aws:cloudformation:" + region + ":" + ACCOUNT + ":stack/" + stackName + "/preflight");
            }
            case "AWS::NoValue" -> {
                return MissingNode.getInstance();
            }
            case "AWS::NotificationARNs" -> {
                return NODES.arrayNode();
            }
            default -> {
                if (parameters.containsKey(name)) {
                    return parameters.get(name);
                }
                requireResource(name, where);
                return NODES.textNode(ids.ref(name));
            }
        }
    }

    private void requireResource(String logical, String where) {
        if (!ids.isResource(logical)) {
            throw new TemplateProblem(where, "'" + logical + "' is neither a parameter, a pseudo parameter nor a resource of the template"
                    + " (or its resource's Condition is false)", "declare it, or correct the name");
        }
    }

    private String sub(JsonNode arg, String where) {
        String template;
        JsonNode variables = NODES.objectNode();
        if (arg.isArray()) {
            template = text(list(arg, 2, "Fn::Sub", where).get(0), where + "[0]");
            variables = eval(arg.get(1), where + "[1]");
        } else {
            template = text(arg, where);
        }
        Matcher m = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1);
            String value;
            if (variable.startsWith("!")) {
                value = "${" + variable.substring(1) + "}";
            } else if (variables.has(variable)) {
                value = scalar(variables.get(variable));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                String logical = variable.substring(0, variable.indexOf('.'));
                requireResource(logical, where);
                value = ids.att(logical, variable.substring(variable.indexOf('.') + 1));
            } else {
                value = scalar(ref(variable, where));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static JsonNode list(JsonNode arg, int size, String function, String where) {
        if (!arg.isArray() || arg.size() != size) {
            throw new TemplateProblem(where, function + " takes a list of " + size + " arguments, not " + arg,
                    "see the CloudFormation reference for " + function);
        }
        return arg;
    }

    private static String scalar(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String iterable(Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out.toString();
    }
}
