package dev.preflight.topology.cloudformation;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The values a template's {@code Ref} and {@code Fn::GetAtt} of its own resources stand for while it
 * is read: stand-ins shaped like AWS's (ARNs, sg-..., names), made from the logical id, so that
 * {@code Fn::Split}, {@code Fn::Select} and {@code Fn::Join} work on them as on AWS; and the way back
 * from any string holding one to the logical id it names.
 */
final class PhysicalIds {
    private final String region;
    private final String account;
    private final Map<String, String> types;
    private final Map<String, String> logicalByValue = new LinkedHashMap<>();

    PhysicalIds(String region, String account, Map<String, String> typesByLogicalId) {
        this.region = region;
        this.account = account;
        this.types = typesByLogicalId;
    }

    boolean isResource(String logicalId) {
        return types.containsKey(logicalId);
    }

    String type(String logicalId) {
        return types.get(logicalId);
    }

    /** What {@code Ref} returns: an ARN, an id or a name, as the type's Ref does on AWS. */
    String ref(String logicalId) {
        String name = name(logicalId);
        String type = types.get(logicalId);
        String value = switch (type) {
            case "AWS::EC2::VPC" -> "vpc-" + name;
            case "AWS::EC2::Subnet" -> "subnet-" + name;
            case "AWS::EC2::SecurityGroup" -> "sg-" + name;
            case "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup",
                 "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::SecretsManager::Secret",
                 "AWS::SecretsManager::SecretTargetAttachment", "AWS::ECS::TaskDefinition", "AWS::ECS::Service", "AWS::ApplicationAutoScaling::ScalingPolicy",
                 "AWS::IAM::ManagedPolicy" -> arn(logicalId);
            default -> name;
        };
        return remember(value, logicalId);
    }

    /** What {@code Fn::GetAtt} returns for the attributes templates use; any other attribute gets a stand-in of its own. */
    String att(String logicalId, String attribute) {
        String name = name(logicalId);
        String value = switch (attribute) {
            case "Arn", "LoadBalancerArn", "TargetGroupArn", "ListenerArn", "TaskDefinitionArn", "ServiceArn" -> arn(logicalId);
            case "GroupId" -> ref(logicalId);
            case "Name", "LoadBalancerName", "TargetGroupName", "RoleId" -> name;
            case "LoadBalancerFullName" -> "app/" + name + "/" + name.hashCode();
            case "TargetGroupFullName" -> "targetgroup/" + name + "/" + name.hashCode();
            case "DNSName", "Endpoint.Address", "RedisEndpoint.Address", "ConfigurationEndpoint.Address", "PrimaryEndPoint.Address" ->
                    name + ".preflight.internal";
            // Not 5432 or 6379: the real engines listen on ports of their own, so a port must stay a reference.
            case "Endpoint.Port", "RedisEndpoint.Port", "ConfigurationEndpoint.Port", "PrimaryEndPoint.Port" -> "port-" + name;
            default -> name + "." + attribute;
        };
        return remember(value, logicalId);
    }

    private String arn(String logicalId) {
        String name = name(logicalId);
        return switch (types.get(logicalId)) {
            case "AWS::ECR::Repository" -> "arn:aws:ecr:" + region + ":" + account + ":repository/" + name;
            case "AWS::Logs::LogGroup" -> "arn:aws:logs:" + region + ":" + account + ":log-group:" + name + ":*";
            case "AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretTargetAttachment" -> "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + name + "-AbCdEf";
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + name;
            case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role/" + name;
            case "AWS::IAM::ManagedPolicy" -> "arn:aws:iam::" + account + ":policy/" + name;
            case "AWS::ECS::Cluster" -> "arn:aws:ecs:" + region + ":" + account + ":cluster/" + name;
            case "AWS::ECS::TaskDefinition" -> "arn:aws:ecs:" + region + ":" + account + ":task-definition/" + name + ":1";
            case "AWS::ECS::Service" -> "arn:aws:ecs:" + region + ":" + account + ":service/" + name;
            case "AWS::ElasticLoadBalancingV2::LoadBalancer" -> "arn:aws:elasticloadbalancing:" + region + ":" + account
                    + ":loadbalancer/app/" + name + "/" + Integer.toHexString(name.hashCode());
            case "AWS::ElasticLoadBalancingV2::TargetGroup" -> "arn:aws:elasticloadbalancing:" + region + ":" + account
                    + ":targetgroup/" + name + "/" + Integer.toHexString(name.hashCode());
            // listener/app/<lb>/<lb id>/<listener id>: templates split it to build a target group's ResourceLabel.
            case "AWS::ElasticLoadBalancingV2::Listener" -> "arn:aws:elasticloadbalancing:" + region + ":" + account
                    + ":listener/app/" + name + "/" + Integer.toHexString(name.hashCode()) + "/" + Integer.toHexString(name.length());
            case "AWS::ElasticLoadBalancingV2::ListenerRule" -> "arn:aws:elasticloadbalancing:" + region + ":" + account
                    + ":listener-rule/app/" + name + "/" + Integer.toHexString(name.hashCode()) + "/" + Integer.toHexString(name.length()) + "/1";
            default -> "arn:aws:" + service(types.get(logicalId)) + ":" + region + ":" + account + ":" + name;
        };
    }

    private static String service(String type) {
        String[] parts = type.split("::");
        return parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "resource";
    }

    /** The stand-in name: the logical id in lower case, unique within the template. */
    private static String name(String logicalId) {
        return logicalId.toLowerCase(Locale.ROOT);
    }

    private String remember(String value, String logicalId) {
        logicalByValue.putIfAbsent(value, logicalId);
        return value;
    }

    /** The logical id a value stands for exactly. */
    Optional<String> logicalOf(String value) {
        return Optional.ofNullable(logicalByValue.get(value));
    }

    /** The logical id whose stand-in the value holds (an ARN with "/*" after it, an image URI), the longest match first. */
    Optional<String> logicalIn(String value) {
        return logicalByValue.entrySet().stream().filter(e -> value.contains(e.getKey()))
                .max(Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue);
    }

    /** Every stand-in in the value, with the logical id it names. */
    Map<String, String> standIns() {
        return logicalByValue;
    }
}
