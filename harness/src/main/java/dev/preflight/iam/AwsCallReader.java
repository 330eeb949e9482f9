package dev.preflight.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the IAM action and resource of an AWS call from its HTTP request, by the service's protocol:
 * JSON ({@code X-Amz-Target: secretsmanager.GetSecretValue}), Query ({@code Action=PutMetricData}),
 * RPC v2 CBOR ({@code /service/X/operation/PutMetricData}) and S3's REST API (method, bucket, key and
 * sub-resource, path style). The resource is read where the action takes one and the call says it
 * plainly: S3 buckets and keys, Secrets Manager's SecretId, a log group, a table, a queue.
 */
public final class AwsCallReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** S3 sub-resources that name their own action; {@code GET ?acl} is GetBucketAcl or GetObjectAcl. */
    private static final Set<String> SUB_RESOURCES = Set.of("acl", "tagging", "policy", "versioning", "location", "uploads",
            "uploadId", "delete", "versions", "cors", "lifecycle", "encryption", "notification", "website", "logging");

    private final String region;
    private final String account;

    public AwsCallReader(String region, String account) {
        this.region = region;
        this.account = account;
    }

    /**
     * @param service   the service the call is signed for (SigV4's credential scope)
     * @param target    the {@code X-Amz-Target} header, or null
     * @param query     the URL's parameters, with a form body's for Query calls
     * @param body      the body when the protocol carries the call's parameters in it (JSON), else null
     */
    public AwsCall read(String service, String method, String path, Map<String, String> query, String target, byte[] body) {
        if (target != null && target.contains(".")) {
            String operation = target.substring(target.lastIndexOf('.') + 1);
            return new AwsCall(service + ":" + operation, jsonResource(service, operation, body));
        }
        if (query.containsKey("Action")) {
            return new AwsCall(service + ":" + query.get("Action"), queryResource(service, query));
        }
        int op = path.indexOf("/operation/");
        if (path.startsWith("/service/") && op > 0) {
            return new AwsCall(service + ":" + path.substring(op + "/operation/".length()), null);
        }
        if ("s3".equals(service)) {
            return s3(method, path, query);
        }
        return new AwsCall(service + ":" + method + " " + path, null);
    }

    private AwsCall s3(String method, String rawPath, Map<String, String> query) {
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int slash = trimmed.indexOf('/');
        String bucket = slash < 0 ? trimmed : trimmed.substring(0, slash);
        String key = slash < 0 || slash == trimmed.length() - 1 ? null : trimmed.substring(slash + 1);
        if (bucket.isEmpty()) {
            return new AwsCall("s3:ListAllMyBuckets", null);
        }
        String sub = query.keySet().stream().filter(SUB_RESOURCES::contains).findFirst().orElse(null);
        String m = method.toUpperCase(Locale.ROOT);
        if (key == null) {
            String arn = "arn:aws:s3:::" + bucket;
            String action = switch (m + " " + (sub == null ? "" : sub)) {
                case "GET ", "HEAD " -> "ListBucket";
                case "GET versions" -> "ListBucketVersions";
                case "GET uploads" -> "ListBucketMultipartUploads";
                case "GET location" -> "GetBucketLocation";
                case "PUT " -> "CreateBucket";
                case "DELETE " -> "DeleteBucket";
                case "POST delete" -> "DeleteObject";
                default -> (m.equals("GET") ? "Get" : m.equals("DELETE") ? "Delete" : "Put") + "Bucket" + capitalized(sub);
            };
            return new AwsCall("s3:" + action, action.equals("DeleteObject") ? arn + "/*" : arn);
        }
        String action = switch (m + " " + (sub == null ? "" : sub)) {
            case "GET ", "HEAD " -> "GetObject";
            case "PUT ", "POST uploads", "POST uploadId", "PUT uploadId" -> "PutObject";
            case "DELETE " -> "DeleteObject";
            case "DELETE uploadId" -> "AbortMultipartUpload";
            case "GET uploadId" -> "ListMultipartUploadParts";
            default -> (m.equals("GET") ? "Get" : m.equals("DELETE") ? "Delete" : "Put") + "Object" + capitalized(sub);
        };
        return new AwsCall("s3:" + action, "arn:aws:s3:::" + bucket + "/" + key);
    }

    private static String capitalized(String sub) {
        return sub == null ? "" : Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
    }

    private String jsonResource(String service, String operation, byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (json == null) {
            return null;
        }
        return switch (service) {
            case "secretsmanager" -> text(json, "SecretId").map(this::secretArn).orElse(null);
            case "logs" -> text(json, "logGroupName").map(g -> arn("logs", "log-group:" + g + ":*")).orElse(null);
            case "dynamodb" -> text(json, "TableName").map(t -> arn("dynamodb", "table/" + t)).orElse(null);
            case "sqs" -> text(json, "QueueUrl").map(this::queueArn).orElse(null);
            case "kms" -> text(json, "KeyId").map(k -> k.startsWith("arn:") ? k : arn("kms", "key/" + k)).orElse(null);
            default -> null;
        };
    }

    private String queryResource(String service, Map<String, String> query) {
        return switch (service) {
            case "sqs" -> query.containsKey("QueueUrl") ? queueArn(query.get("QueueUrl")) : null;
            case "sns" -> query.get("TopicArn");
            default -> null;
        };
    }

    /** A secret by name is matched as its ARN, whose six random characters any policy pattern must allow. */
    private String secretArn(String id) {
        return id.startsWith("arn:") ? id : arn("secretsmanager", "secret:" + id + "-??????");
    }

    private String queueArn(String url) {
        return arn("sqs", url.substring(url.lastIndexOf('/') + 1));
    }

    private String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + account + ":" + resource;
    }

    private static java.util.Optional<String> text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v != null && v.isTextual() ? java.util.Optional.of(v.asText()) : java.util.Optional.empty();
    }
}
