package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.preflight.topology.TopologyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a CloudFormation template, JSON or YAML, into a tree in the long form: YAML's short-form tags
 * become the functions they stand for ({@code !Ref X} is {@code {"Ref": "X"}}, {@code !GetAtt A.B} is
 * {@code {"Fn::GetAtt": ["A", "B"]}}, {@code !Sub ...} is {@code {"Fn::Sub": ...}}, and so on).
 */
final class TemplateParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final YAMLFactory YAML = new YAMLFactory();

    private TemplateParser() {
    }

    static ObjectNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(file, "", "cannot read: " + e.getMessage(),
                    "check the template exists and is readable"));
        }
        JsonNode tree;
        try {
            tree = text.stripLeading().startsWith("{") ? JSON.readTree(text) : yaml(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new TopologyException(new TopologyException.Problem(file, at == null ? "" : "line " + at.getLineNr() + ", column "
                    + at.getColumnNr(), e.getOriginalMessage(), "correct the template's syntax"));
        } catch (IOException e) {
            throw new TopologyException(new TopologyException.Problem(file, "", e.getMessage(), "correct the template's syntax"));
        }
        if (tree == null || !tree.isObject() || !tree.has("Resources")) {
            throw new TopologyException(new TopologyException.Problem(file, "", "not a CloudFormation template (no Resources section)",
                    "point --topology at a template (JSON or YAML with a Resources section), a cdk.out folder or a Preflight topology folder"));
        }
        return (ObjectNode) tree;
    }

    private static JsonNode yaml(String text) throws IOException {
        try (YAMLParser parser = YAML.createParser(text)) {
            parser.nextToken();
            return node(parser);
        }
    }

    /** The node at the parser's current token, a tagged one wrapped in its function. */
    private static JsonNode node(YAMLParser p) throws IOException {
        String tag = p.getTypeId();
        JsonToken token = p.currentToken();
        JsonNode value;
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (object.has(name)) {
                        throw new com.fasterxml.jackson.core.JsonParseException(p, "Duplicate field '" + name + "'");
                    }
                    p.nextToken();
                    object.set(name, node(p));
                }
                value = object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(p));
                }
                value = array;
            }
            case VALUE_NUMBER_INT -> value = NODES.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> value = NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> value = NODES.booleanNode(true);
            case VALUE_FALSE -> value = NODES.booleanNode(false);
            case VALUE_NULL -> value = NODES.nullNode();
            default -> value = NODES.textNode(p.getText());
        }
        return tag == null ? value : function(tag, value);
    }

    private static JsonNode function(String tag, JsonNode value) {
        ObjectNode f = NODES.objectNode();
        switch (tag) {
            case "Ref", "Condition" -> f.set(tag, value);
            case "GetAtt" -> {
                if (value.isTextual()) {
                    String s = value.asText();
                    int dot = s.indexOf('.');
                    ArrayNode pair = NODES.arrayNode().add(dot < 0 ? s : s.substring(0, dot));
                    if (dot >= 0) {
                        pair.add(s.substring(dot + 1));
                    }
                    f.set("Fn::GetAtt", pair);
                } else {
                    f.set("Fn::GetAtt", value);
                }
            }
            default -> f.set("Fn::" + tag, value);
        }
        return f;
    }
}
