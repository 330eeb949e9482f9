package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The resources of a read template, their properties evaluated, mapped to Preflight's model (a tree
 * in base.yaml's shape), one AWS type at a time. A reference between resources (a {@code Ref} or
 * {@code Fn::GetAtt} stand-in) becomes the model's reference by name; an ARN in a policy becomes the
 * model's {@code s3:media/*} form; an endpoint in a container's environment becomes
 * {@code ${elasticache.sessions.url}}. Each resource's fate is recorded for {@code preflight plan}.
 */
final class TemplateMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Types read into another element. */
    private static final Set<String> FOLDED = Set.of("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
            "AWS::RDS::DBSubnetGroup", "AWS::ElastiCache::SubnetGroup", "AWS::SecretsManager::SecretTargetAttachment", "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::SecretsManager::RotationSchedule", "AWS::ECS::TaskDefinition", "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy");
    /** Types whose job the harness does another way, or that change nothing it reproduces. */
    private static final Map<String, String> NOT_EMULATED = Map.ofEntries(
            Map.entry("AWS::EC2::InternetGateway", "routing to the internet is not emulated: everything listens on 127.0.0.1"),
            Map.entry("AWS::EC2::VPCGatewayAttachment", "routing to the internet is not emulated"),
            Map.entry("AWS::EC2::RouteTable", "routes are not emulated: every task reaches every engine"),
            Map.entry("AWS::EC2::Route", "routes are not emulated"),
            Map.entry("AWS::EC2::SubnetRouteTableAssociation", "routes are not emulated"),
            Map.entry("AWS::EC2::EIP", "public addresses are not emulated"),
            Map.entry("AWS::EC2::NatGateway", "NAT is not emulated: tasks reach the engines directly"),
            Map.entry("AWS::EC2::VPCEndpoint", "endpoints are not emulated: tasks reach the AWS engine directly"),
            Map.entry("AWS::CDK::Metadata", "CDK's own analytics record"),
            Map.entry("AWS::S3::BucketPolicy", "bucket policies are not evaluated"),
            Map.entry("AWS::Lambda::Function", "Lambda is not emulated"),
            Map.entry("AWS::Lambda::Permission", "Lambda is not emulated"),
            Map.entry("AWS::CloudFormation::CustomResource", "custom resources run Lambda code, which is not emulated"),
            Map.entry("AWS::IAM::OIDCProvider", "the OIDC provider is the harness's own issuer; the roles that trust it are read"));

    private final Map<String, String> types;
    private final Map<String, ObjectNode> properties;
    private final Map<String, JsonNode> metadata;
    private final PhysicalIds ids;
    private final CdkAssets assets;
    private final String stack;
    private final ObjectNode tree = NODES.objectNode();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final Map<String, ResourceFate> fates = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    /** The model repository of each service whose image is a CDK asset, by the service's logical id. */
    private final Map<String, String> assetRepositories = new LinkedHashMap<>();

    TemplateMapper(String stack, Map<String, String> types, Map<String, ObjectNode> properties, Map<String, JsonNode> metadata,
                   PhysicalIds ids, CdkAssets assets) {
        this.stack = stack;
        this.types = types;
        this.properties = properties;
        this.metadata = metadata;
        this.ids = ids;
        this.assets = assets;
    }

    ObjectNode tree() {
        return tree;
    }

    Map<String, String> origins() {
        return origins;
    }

    List<ResourceFate> fates() {
        return types.keySet().stream().filter(fates::containsKey).map(fates::get).toList();
    }

    void map(String project, String region) {
        tree.put("project", project).put("region", region);
        nameResources();
        types.forEach((id, type) -> {
            if (type.equals("AWS::ECS::Service")) {
                String td = ids.logicalOf(properties.get(id).path("TaskDefinition").asText()).orElse(null);
                String image = td == null ? "" : properties.get(td).path("ContainerDefinitions").path(0).path("Image").asText();
                assets.imageFor(image).ifPresent(a -> assetRepositories.put(id, name(id) + "-image"));
            }
        });
        each("AWS::EC2::VPC", this::vpc);
        each("AWS::EC2::Subnet", this::subnet);
        each("AWS::EC2::SecurityGroup", this::securityGroup);
        each("AWS::EC2::SecurityGroupIngress", this::ingressResource);
        each("AWS::EC2::SecurityGroupEgress", id -> folded(id, securityGroupOf(id, "GroupId"), "egress is not restricted by the harness"));
        each("AWS::ECR::Repository", this::repository);
        each("AWS::Logs::LogGroup", this::logGroup);
        each("AWS::SecretsManager::Secret", this::secret);
        each("AWS::SecretsManager::SecretTargetAttachment", this::secretAttachment);
        each("AWS::SecretsManager::RotationSchedule", this::rotationSchedule);
        each("AWS::RDS::DBInstance", this::database);
        each("AWS::ElastiCache::CacheCluster", this::cache);
        each("AWS::ElastiCache::ReplicationGroup", this::cache);
        each("AWS::S3::Bucket", this::bucket);
        each("AWS::IAM::Role", this::role);
        each("AWS::IAM::Policy", this::policy);
        each("AWS::IAM::ManagedPolicy", this::managedPolicy);
        each("AWS::ElasticLoadBalancingV2::LoadBalancer", this::loadBalancer);
        each("AWS::ElasticLoadBalancingV2::TargetGroup", this::targetGroup);
        each("AWS::ElasticLoadBalancingV2::Listener", this::listener);
        each("AWS::ElasticLoadBalancingV2::ListenerRule", this::listenerRule);
        each("AWS::ECS::Cluster", this::cluster);
        each("AWS::ECS::Service", this::service);
        each("AWS::ApplicationAutoScaling::ScalableTarget", this::scalableTarget);
        each("AWS::ApplicationAutoScaling::ScalingPolicy", this::scalingPolicy);
        each("AWS::RDS::DBSubnetGroup", id -> folded(id, "the databases that name it", null));
        each("AWS::ElastiCache::SubnetGroup", id -> folded(id, "the caches that name it", null));
        each("AWS::ECS::TaskDefinition", id -> fates.putIfAbsent(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.NOT_EMULATED,
                "no ECS service of the template runs it", null)));
        types.forEach((id, type) -> {
            if (!fates.containsKey(id)) {
                String why = NOT_EMULATED.getOrDefault(type, type.startsWith("Custom::")
                        ? NOT_EMULATED.get("AWS::CloudFormation::CustomResource") : "Preflight has no model for " + type);
                fates.put(id, new ResourceFate(id, type, ResourceFate.Kind.NOT_EMULATED, why, null));
            }
        });
    }

    // ---- names ---------------------------------------------------------------------------------

    /** Each resource's name in the model: its explicit name where it has one, else its logical id without CDK's hash, in kebab case. */
    private void nameResources() {
        Map<String, Set<String>> taken = new LinkedHashMap<>();
        types.forEach((id, type) -> {
            String explicit = explicitName(id, type);
            String name = explicit != null ? clean(explicit) : derived(id);
            if (name.isEmpty()) {
                name = clean(id);
            }
            Set<String> used = taken.computeIfAbsent(section(type), k -> new HashSet<>());
            String unique = name;
            for (int i = 2; !used.add(unique); i++) {
                unique = name + "-" + i;
            }
            names.put(id, unique);
        });
    }

    private String explicitName(String id, String type) {
        String field = switch (type) {
            case "AWS::ECS::Service" -> "ServiceName";
            case "AWS::ECR::Repository" -> "RepositoryName";
            case "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::LoadBalancer" -> "Name";
            case "AWS::S3::Bucket" -> "BucketName";
            case "AWS::Logs::LogGroup" -> "LogGroupName";
            case "AWS::SecretsManager::Secret" -> "Name";
            case "AWS::IAM::Role" -> "RoleName";
            case "AWS::RDS::DBInstance" -> "DBInstanceIdentifier";
            case "AWS::ElastiCache::CacheCluster" -> "ClusterName";
            case "AWS::ElastiCache::ReplicationGroup" -> "ReplicationGroupId";
            case "AWS::ECS::Cluster" -> "ClusterName";
            default -> null;
        };
        JsonNode v = field == null ? null : properties.get(id).get(field);
        if (v == null || !v.isTextual() || ids.logicalIn(v.asText()).isPresent()) {
            return null;
        }
        String s = v.asText();
        return s.contains("/") ? s.substring(s.lastIndexOf('/') + 1) : s;
    }

    private String derived(String logicalId) {
        // CDK's ids end in a hash of the construct path (8 hex digits, or more for some constructs) and may start with the stack's name.
        String id = logicalId.replaceFirst("(?<=[a-z])[0-9A-F]{8}([0-9a-f]{32})?$", "");
        if (stack != null && id.startsWith(stack) && id.length() > stack.length()) {
            id = id.substring(stack.length());
        }
        for (String suffix : List.of("Service", "TaskDefinition", "TaskDef", "Repository", "Repo", "TargetGroup", "Targets", "SecurityGroup",
                "LogGroup", "Logs", "Bucket", "Secret", "Cluster", "Database", "Instance", "LB", "Role", "Subnet")) {
            if (id.endsWith(suffix) && id.length() > suffix.length()) {
                id = id.substring(0, id.length() - suffix.length());
                break;
            }
        }
        return clean(id.replaceAll("([a-z0-9])([A-Z])", "$1-$2"));
    }

    private static String clean(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    }

    private static String section(String type) {
        return switch (type) {
            case "AWS::EC2::Subnet" -> "subnets";
            case "AWS::EC2::SecurityGroup" -> "securityGroups";
            default -> type;
        };
    }

    private String name(String logicalId) {
        return names.get(secretBehind(logicalId));
    }

    /** A SecretTargetAttachment's Ref is its secret's ARN, as on AWS: it stands for the secret. */
    private String secretBehind(String logicalId) {
        if ("AWS::SecretsManager::SecretTargetAttachment".equals(types.get(logicalId))) {
            String secret = text(logicalId, "SecretId");
            return ids.logicalOf(secret == null ? "" : secret).orElse(logicalId);
        }
        return logicalId;
    }

    private boolean isSecret(String logicalId) {
        return "AWS::SecretsManager::Secret".equals(types.get(secretBehind(logicalId)));
    }

    // ---- network -------------------------------------------------------------------------------

    private void vpc(String id) {
        if (tree.path("network").has("vpc")) {
            throw new TemplateProblem(where(id), "a second VPC: Preflight's model holds one", "keep one VPC in the stack you check");
        }
        network().putObject("vpc").put("cidr", text(id, "CidrBlock"));
        mapped(id, "network.vpc", null);
    }

    private void subnet(String id) {
        ObjectNode s = section(network(), "subnets").putObject(name(id));
        s.put("cidr", text(id, "CidrBlock"));
        String zone = text(id, "AvailabilityZone");
        s.put("availabilityZone", zone != null ? zone : tree.path("region").asText() + "a");
        if (properties.get(id).path("MapPublicIpOnLaunch").asBoolean(false)) {
            s.put("public", true);
        }
        mapped(id, "network.subnets." + name(id), null);
    }

    private void securityGroup(String id) {
        ObjectNode g = section(network(), "securityGroups").putObject(name(id));
        g.put("description", Optional.ofNullable(text(id, "GroupDescription")).orElse(name(id)));
        ArrayNode ingress = g.putArray("ingress");
        JsonNode inline = properties.get(id).path("SecurityGroupIngress");
        for (int i = 0; i < inline.size(); i++) {
            ingress.add(ingressRule(inline.get(i), where(id) + ".SecurityGroupIngress[" + i + "]"));
        }
        mapped(id, "network.securityGroups." + name(id),
                properties.get(id).has("SecurityGroupEgress") ? "egress rules are not restricted by the harness" : null);
    }

    private void ingressResource(String id) {
        String group = securityGroupOf(id, "GroupId");
        ObjectNode g = (ObjectNode) tree.path("network").path("securityGroups").path(group);
        ((ArrayNode) g.get("ingress")).add(ingressRule(properties.get(id), where(id)));
        folded(id, "network.securityGroups." + group, null);
    }

    private String securityGroupOf(String id, String field) {
        String value = text(id, field);
        return ids.logicalOf(value == null ? "" : value).filter(l -> types.get(l).equals("AWS::EC2::SecurityGroup")).map(this::name)
                .orElseThrow(() -> new TemplateProblem(where(id) + "." + field, "'" + value + "' is not a security group of the template",
                        "refer to one with !GetAtt <SecurityGroup>.GroupId"));
    }

    private ObjectNode ingressRule(JsonNode rule, String where) {
        ObjectNode r = NODES.objectNode();
        String protocol = rule.path("IpProtocol").asText("tcp");
        r.put("protocol", protocol.equals("6") ? "tcp" : protocol.equals("17") ? "udp" : protocol);
        if (rule.has("FromPort")) {
            r.put("port", rule.get("FromPort").asInt());
        }
        if (rule.has("CidrIp")) {
            r.put("cidr", rule.get("CidrIp").asText());
        }
        if (rule.has("SourceSecurityGroupId")) {
            String source = rule.get("SourceSecurityGroupId").asText();
            r.put("source", ids.logicalOf(source).map(this::name).orElseThrow(() -> new TemplateProblem(where + ".SourceSecurityGroupId",
                    "'" + source + "' is not a security group of the template", "refer to one with !GetAtt <SecurityGroup>.GroupId")));
        }
        return r;
    }

    // ---- ECR, logs, secrets, data --------------------------------------------------------------

    private void repository(String id) {
        ObjectNode r = section(section(tree, "ecr"), "repositories").putObject(name(id));
        putText(r, "imageTagMutability", text(id, "ImageTagMutability"));
        JsonNode scan = properties.get(id).path("ImageScanningConfiguration").path("ScanOnPush");
        if (!scan.isMissingNode()) {
            r.put("scanOnPush", scan.asBoolean());
        }
        JsonNode build = metadata.getOrDefault(id, NODES.objectNode()).path("preflight").path("build");
        if (!build.isMissingNode()) {
            r.set("build", build.deepCopy());
        }
        mapped(id, "ecr.repositories." + name(id), build.isMissingNode()
                ? "no build: give Metadata {preflight: {build: {dockerfile, context}}} so that the pipeline can build its image" : null);
    }

    /** An image of a CDK asset: a repository of its own in the model, built from the asset's folder. */
    private String assetRepository(CdkAssets.DockerImage asset, String service) {
        String name = service + "-image";
        ObjectNode r = section(section(tree, "ecr"), "repositories").putObject(name);
        r.put("imageTagMutability", "MUTABLE");
        ObjectNode build = r.putObject("build");
        build.put("context", asset.directory());
        if (asset.dockerfile() != null) {
            build.put("dockerfile", asset.dockerfile());
        }
        return name;
    }

    private void logGroup(String id) {
        ObjectNode g = section(section(tree, "logs"), "groups").putObject(name(id));
        JsonNode days = properties.get(id).get("RetentionInDays");
        if (days != null) {
            g.put("retentionInDays", days.asInt());
        }
        mapped(id, "logs.groups." + name(id), null);
    }

    private void secret(String id) {
        ObjectNode s = section(tree, "secrets").putObject(name(id));
        putText(s, "description", text(id, "Description"));
        JsonNode generate = properties.get(id).path("GenerateSecretString");
        String note = null;
        if (!generate.isMissingNode()) {
            s.putObject("generate").put("length", generate.path("PasswordLength").asInt(32));
        } else {
            s.putObject("generate").put("length", 32);
            note = "its value is generated by Preflight: a SecretString in a template is not read";
        }
        mapped(id, "secrets." + name(id), note);
    }

    private void secretAttachment(String id) {
        String secret = reference(id, "SecretId", "AWS::SecretsManager::Secret");
        // (the attachment's own name is its secret's: see secretBehind)
        String target = reference(id, "TargetId", "AWS::RDS::DBInstance");
        ObjectNode s = (ObjectNode) tree.path("secrets").path(secret);
        s.remove("generate");
        s.put("database", target);
        folded(id, "secrets." + secret + " (database " + target + ")", null);
    }

    /** A hosted rotation's type names its strategy: PostgreSQLMultiUser alternates users, PostgreSQLSingleUser does not. */
    private void rotationSchedule(String id) {
        String secret = referenceTo(id, Optional.ofNullable(text(id, "SecretId")).orElse(""), "SecretId");
        String type = properties.get(id).path("HostedRotationLambda").path("RotationType").asText("");
        JsonNode target = tree.path("secrets").path(secret);
        if (!target.isObject()) {
            throw new TemplateProblem(where(id) + ".SecretId", "'" + secret + "' is not a secret of the template", "refer to one with !Ref");
        }
        String strategy = type.endsWith("MultiUser") ? dev.preflight.topology.Secret.ALTERNATING_USERS : dev.preflight.topology.Secret.SINGLE_USER;
        ((ObjectNode) target).putObject("rotation").put("strategy", strategy);
        folded(id, "secrets." + secret + ".rotation (" + strategy + ")", type.isEmpty()
                ? "a rotation Lambda of the template's own is taken to rotate a single user" : null);
    }

    private void database(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode d = section(tree, "rds").putObject(name(id));
        d.put("engine", props.path("Engine").asText("postgres").toLowerCase(Locale.ROOT));
        putText(d, "engineVersion", text(id, "EngineVersion"));
        putText(d, "instanceClass", text(id, "DBInstanceClass"));
        if (props.has("AllocatedStorage")) {
            d.put("allocatedStorage", Integer.parseInt(props.get("AllocatedStorage").asText()));
        }
        if (props.has("MultiAZ")) {
            d.put("multiAz", props.get("MultiAZ").asBoolean());
        }
        putText(d, "databaseName", text(id, "DBName"));
        String password = Optional.ofNullable(text(id, "MasterUserPassword")).orElse("");
        Optional<String> secret = ids.logicalIn(password).filter(this::isSecret).map(this::secretBehind);
        String username = text(id, "MasterUsername");
        if (secret.isPresent()) {
            d.put("credentialsSecret", name(secret.get()));
            if (username == null || username.contains("{{resolve:")) {
                username = secretUsername(secret.get());
            }
        } else {
            throw new TemplateProblem(where(id) + ".MasterUserPassword", "the master password is not read from a Secrets Manager secret of"
                    + " the template", "generate it in a secret (CDK: rds.Credentials.fromGeneratedSecret) and resolve it with"
                    + " {{resolve:secretsmanager:...:SecretString:password}}");
        }
        putText(d, "masterUsername", username);
        d.set("subnets", subnetsOfGroup(id, "DBSubnetGroupName", "AWS::RDS::DBSubnetGroup", "SubnetIds"));
        d.set("securityGroups", namesOf(id, props.path("VPCSecurityGroups"), "VPCSecurityGroups"));
        mapped(id, "rds." + name(id), null);
    }

    private String secretUsername(String secret) {
        String template = properties.get(secret).path("GenerateSecretString").path("SecretStringTemplate").asText("{}");
        try {
            return JSON.readTree(template).path("username").asText(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void cache(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode c = section(tree, "elasticache").putObject(name(id));
        c.put("engine", props.path("Engine").asText("redis"));
        putText(c, "engineVersion", text(id, "EngineVersion"));
        putText(c, "nodeType", text(id, "CacheNodeType"));
        c.put("numCacheNodes", props.path("NumCacheNodes").asInt(props.path("NumCacheClusters").asInt(1)));
        c.set("subnets", subnetsOfGroup(id, "CacheSubnetGroupName", "AWS::ElastiCache::SubnetGroup", "SubnetIds"));
        c.set("securityGroups", namesOf(id, props.path("VpcSecurityGroupIds").isMissingNode() ? props.path("SecurityGroupIds")
                : props.path("VpcSecurityGroupIds"), "VpcSecurityGroupIds"));
        mapped(id, "elasticache." + name(id), types.get(id).endsWith("ReplicationGroup")
                ? "a replication group runs as one Redis: replicas and failover are not emulated" : null);
    }

    private void bucket(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode b = section(tree, "s3").putObject(name(id));
        b.put("versioning", "Enabled".equals(props.path("VersioningConfiguration").path("Status").asText()));
        JsonNode sse = props.path("BucketEncryption").path("ServerSideEncryptionConfiguration").path(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm");
        if (!sse.isMissingNode()) {
            b.put("encryption", sse.asText());
        }
        JsonNode block = props.path("PublicAccessBlockConfiguration");
        b.put("blockPublicAccess", block.path("BlockPublicAcls").asBoolean() && block.path("BlockPublicPolicy").asBoolean()
                && block.path("IgnorePublicAcls").asBoolean() && block.path("RestrictPublicBuckets").asBoolean());
        mapped(id, "s3." + name(id), null);
    }

    // ---- IAM -----------------------------------------------------------------------------------

    private void role(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode r = section(section(tree, "iam"), "roles").putObject(name(id));
        putText(r, "description", text(id, "Description"));
        String service = null;
        for (JsonNode statement : props.path("AssumeRolePolicyDocument").path("Statement")) {
            JsonNode who = statement.path("Principal");
            if ("*".equals(who.asText(null)) || "*".equals(who.path("AWS").asText(null))) {
                throw new TemplateProblem(where(id) + ".AssumeRolePolicyDocument", "the trust policy lets any principal assume the role"
                        + " (Principal '*'): anyone in any AWS account can take its permissions",
                        "trust the service that uses it (Principal: {Service: ecs-tasks.amazonaws.com}) or one account's role");
            }
            JsonNode principal = who.path("Service");
            if (principal.isTextual()) {
                service = principal.asText();
            } else if (principal.isArray() && principal.size() > 0) {
                service = principal.get(0).asText();
            }
        }
        ArrayNode statements = r.putArray("statements");
        List<String> notes = new ArrayList<>();
        if (service != null) {
            r.putObject("trust").put("service", service);
        } else {
            githubTrust(id, props.path("AssumeRolePolicyDocument"), notes).ifPresent(oidc -> r.putObject("trust").set("githubOidc", oidc));
        }
        JsonNode policies = props.path("Policies");
        for (int i = 0; i < policies.size(); i++) {
            statements(policies.get(i).path("PolicyDocument"), statements, notes);
        }
        List<String> elsewhere = new ArrayList<>();
        for (JsonNode arn : props.path("ManagedPolicyArns")) {
            if (ids.logicalOf(arn.asText()).filter(l -> types.get(l).equals("AWS::IAM::ManagedPolicy")).isEmpty()) {
                elsewhere.add(arn.asText()); // the stack's own managed policies are folded in by managedPolicy()
            }
        }
        if (!elsewhere.isEmpty()) {
            notes.add("managed policies " + elsewhere + " are not evaluated");
        }
        if (!r.has("trust")) {
            notes.add("its trust policy names no AWS service and no GitHub repository: read without one");
        }
        mapped(id, "iam.roles." + name(id), notes.isEmpty() ? null : String.join("; ", notes));
    }

    /**
     * A trust in GitHub's OIDC tokens as the model's githubOidc ({@code sub} = repo:ORG/REPO:ref:refs/heads/BRANCH
     * or :environment:NAME). A trust that AWS would accept but that lets others in is refused, as the
     * checkers do: a provider that is not GitHub's, no {@code aud} condition, no {@code sub} condition, a
     * wildcard subject (any repository, any branch, pull requests of forks).
     */
    private Optional<ObjectNode> githubTrust(String id, JsonNode document, List<String> notes) {
        String where = where(id) + ".AssumeRolePolicyDocument";
        for (JsonNode statement : document.path("Statement")) {
            if (!statement.path("Principal").has("Federated")) {
                continue;
            }
            String provider = statement.path("Principal").path("Federated").asText();
            String url = ids.logicalOf(provider).filter(l -> types.get(l).equals("AWS::IAM::OIDCProvider"))
                    .map(l -> properties.get(l).path("Url").asText()).orElse(provider);
            if (!url.contains("token.actions.githubusercontent.com")) {
                throw new TemplateProblem(where, "the role trusts OIDC tokens of '" + url + "', not GitHub's",
                        "trust the provider https://token.actions.githubusercontent.com");
            }
            JsonNode conditions = statement.path("Condition");
            String aud = conditions.path("StringEquals").path("token.actions.githubusercontent.com:aud").asText("");
            if (!aud.equals("sts.amazonaws.com")) {
                throw new TemplateProblem(where, "the GitHub trust does not check the token's audience (aud)",
                        "add Condition StringEquals token.actions.githubusercontent.com:aud: sts.amazonaws.com");
            }
            JsonNode sub = conditions.path("StringEquals").path("token.actions.githubusercontent.com:sub");
            if (sub.isMissingNode()) {
                sub = conditions.path("StringLike").path("token.actions.githubusercontent.com:sub");
            }
            if (sub.isMissingNode()) {
                throw new TemplateProblem(where, "the GitHub trust does not check the token's subject (sub): every repository on GitHub"
                        + " can assume the role", "add Condition StringEquals token.actions.githubusercontent.com:sub:"
                        + " repo:OWNER/REPO:ref:refs/heads/main (or :environment:NAME)");
            }
            String value = sub.isArray() ? sub.path(0).asText() : sub.asText("");
            if (value.contains("*") || value.contains("?")) {
                throw new TemplateProblem(where, "the GitHub trust's subject '" + value + "' has a wildcard: other repositories, branches or"
                        + " pull requests can assume the role", "name one repository and one branch or environment: repo:OWNER/REPO:ref:refs/heads/main");
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("repo:([^:]+):(ref:refs/heads/|environment:)(.+)").matcher(value);
            if (!m.matches()) {
                throw new TemplateProblem(where, "the GitHub trust's subject '" + value + "' is not a branch or an environment of one repository",
                        "use repo:OWNER/REPO:ref:refs/heads/BRANCH or repo:OWNER/REPO:environment:NAME");
            }
            ObjectNode oidc = NODES.objectNode().put("repository", m.group(1));
            oidc.put(m.group(2).startsWith("ref") ? "branch" : "environment", m.group(3));
            if (sub.isArray() && sub.size() > 1) {
                notes.add("only the first of its GitHub subjects " + sub + " is read");
            }
            return Optional.of(oidc);
        }
        return Optional.empty();
    }

    /**
     * A customer managed policy of the stack: its statements join every role it is attached to, by its
     * own {@code Roles} or by a role's {@code ManagedPolicyArns} naming it.
     */
    private void managedPolicy(String id) {
        String arn = ids.ref(id);
        java.util.Set<String> roles = new java.util.LinkedHashSet<>();
        for (JsonNode ref : properties.get(id).path("Roles")) {
            roles.add(ids.logicalOf(ref.asText()).filter(l -> types.get(l).equals("AWS::IAM::Role"))
                    .orElseThrow(() -> new TemplateProblem(where(id) + ".Roles", "'" + ref.asText() + "' is not a role of the template",
                            "attach the policy to a role of the stack with !Ref <Role>")));
        }
        types.forEach((logical, type) -> {
            if (type.equals("AWS::IAM::Role") && properties.containsKey(logical)) {
                for (JsonNode attached : properties.get(logical).path("ManagedPolicyArns")) {
                    if (attached.asText().equals(arn)) {
                        roles.add(logical);
                    }
                }
            }
        });
        List<String> into = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String role : roles) {
            statements(properties.get(id).path("PolicyDocument"), (ArrayNode) tree.path("iam").path("roles").path(name(role)).path("statements"),
                    notes);
            into.add("iam.roles." + name(role));
        }
        if (into.isEmpty()) {
            notes.add("attached to no role of the stack");
        }
        folded(id, into.isEmpty() ? "no role" : String.join(", ", into), notes.isEmpty() ? null : String.join("; ", notes));
    }

    private void policy(String id) {
        JsonNode roles = properties.get(id).path("Roles");
        List<String> into = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (JsonNode ref : roles) {
            String role = ids.logicalOf(ref.asText()).filter(l -> types.get(l).equals("AWS::IAM::Role")).map(this::name)
                    .orElseThrow(() -> new TemplateProblem(where(id) + ".Roles", "'" + ref.asText() + "' is not a role of the template",
                            "attach the policy to a role of the stack with !Ref <Role>"));
            statements(properties.get(id).path("PolicyDocument"), (ArrayNode) tree.path("iam").path("roles").path(role).path("statements"),
                    notes);
            into.add("iam.roles." + role);
        }
        folded(id, String.join(", ", into), notes.isEmpty() ? null : String.join("; ", notes));
    }

    private void statements(JsonNode document, ArrayNode out, List<String> notes) {
        JsonNode list = document.path("Statement");
        for (JsonNode s : list.isArray() ? list : NODES.arrayNode().add(list)) {
            ObjectNode statement = out.addObject();
            String effect = s.path("Effect").asText("Allow");
            if (!effect.equals("Allow")) {
                statement.put("effect", effect);
            }
            ArrayNode actions = statement.putArray("actions");
            JsonNode a = s.path("Action");
            (a.isArray() ? a : NODES.arrayNode().add(a)).forEach(actions::add);
            ArrayNode resources = statement.putArray("resources");
            JsonNode r = s.path("Resource");
            for (JsonNode arn : r.isArray() ? r : NODES.arrayNode().add(r)) {
                List<String> references = policyResource(arn.asText());
                if (references.isEmpty()) {
                    notes.add("resource " + arn.asText() + " is outside the template: left out");
                }
                references.stream().filter(ref -> !contains(resources, ref)).forEach(resources::add);
            }
            if (resources.isEmpty()) {
                out.remove(out.size() - 1);
                notes.add("a statement on " + actions + " only names resources outside the template: left out");
            }
            if (s.has("Condition")) {
                notes.add("statement conditions are not evaluated");
            }
        }
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An ARN in a policy as the model's references: {@code *}, {@code ecr:api}, {@code s3:media/*},
     * {@code secret:app-key}, ...; CDK's container-assets repository is every asset image's repository.
     */
    private List<String> policyResource(String arn) {
        if (arn.equals("*")) {
            return List.of("*");
        }
        if (arn.matches("arn:aws:ecr:[^:]*:[^:]*:repository/cdk-[a-z0-9]+-container-assets-.*")) {
            return assetRepositories.values().stream().map(r -> "ecr:" + r).toList();
        }
        return ids.standIns().entrySet().stream().filter(e -> arn.startsWith(e.getKey()) && e.getKey().startsWith("arn:"))
                .max(java.util.Comparator.comparingInt(e -> e.getKey().length())).flatMap(e -> {
                    String logical = e.getValue();
                    String rest = arn.substring(e.getKey().length());
                    String n = name(logical);
                    return switch (types.get(secretBehind(logical))) {
                        case "AWS::ECR::Repository" -> Optional.of("ecr:" + n);
                        case "AWS::Logs::LogGroup" -> Optional.of("logs:" + n);
                        case "AWS::SecretsManager::Secret" -> Optional.of("secret:" + n);
                        case "AWS::S3::Bucket" -> Optional.of("s3:" + n + rest);
                        case "AWS::IAM::Role" -> Optional.of("role:" + n);
                        case "AWS::ECS::Service" -> Optional.of("ecs:" + n);
                        default -> Optional.<String>empty();
                    };
                }).map(List::of).orElse(List.of());
    }

    // ---- load balancer -------------------------------------------------------------------------

    private void loadBalancer(String id) {
        if (tree.has("loadBalancer")) {
            throw new TemplateProblem(where(id), "a second load balancer: Preflight's model holds one", "keep one in the stack you check");
        }
        ObjectNode props = properties.get(id);
        if (!props.path("Type").asText("application").equals("application")) {
            throw new TemplateProblem(where(id) + ".Type", "only Application Load Balancers are emulated", "use Type: application");
        }
        ObjectNode lb = tree.putObject("loadBalancer");
        lb.put("name", name(id));
        lb.set("subnets", namesOf(id, props.path("Subnets"), "Subnets"));
        lb.set("securityGroups", namesOf(id, props.path("SecurityGroups"), "SecurityGroups"));
        lb.put("idleTimeoutSeconds", Integer.parseInt(attribute(props.path("LoadBalancerAttributes"), "idle_timeout.timeout_seconds", "60")));
        lb.putObject("targetGroups");
        mapped(id, "loadBalancer", null);
    }

    private void targetGroup(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode tg = section(loadBalancerNode(id), "targetGroups").putObject(name(id));
        tg.put("port", props.path("Port").asInt(80));
        ObjectNode hc = tg.putObject("healthCheck");
        putText(hc, "path", text(id, "HealthCheckPath"));
        putInt(hc, "intervalSeconds", props.get("HealthCheckIntervalSeconds"));
        putInt(hc, "timeoutSeconds", props.get("HealthCheckTimeoutSeconds"));
        putInt(hc, "healthyThreshold", props.get("HealthyThresholdCount"));
        putInt(hc, "unhealthyThreshold", props.get("UnhealthyThresholdCount"));
        putText(hc, "matcher", props.path("Matcher").path("HttpCode").asText(null));
        JsonNode attributes = props.path("TargetGroupAttributes");
        tg.put("deregistrationDelaySeconds", Integer.parseInt(attribute(attributes, "deregistration_delay.timeout_seconds", "300")));
        putText(tg, "algorithm", attribute(attributes, "load_balancing.algorithm.type", null));
        List<String> notes = new ArrayList<>();
        if ("true".equals(attribute(attributes, "stickiness.enabled", "false"))) {
            notes.add("stickiness is not reproduced: requests are spread by the algorithm");
        }
        if (!"0".equals(attribute(attributes, "slow_start.duration_seconds", "0"))) {
            notes.add("slow start is not reproduced");
        }
        if (!props.path("TargetType").asText("ip").equals("ip")) {
            notes.add("target type " + props.path("TargetType").asText() + " is run as ip targets");
        }
        mapped(id, "loadBalancer.targetGroups." + name(id), notes.isEmpty() ? null : String.join("; ", notes));
    }

    private void listener(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode lb = loadBalancerNode(id);
        String defaultGroup = forwardTarget(props.path("DefaultActions"), where(id) + ".DefaultActions");
        if (lb.has("listener") || defaultGroup == null || !props.path("Protocol").asText("HTTP").equals("HTTP")) {
            fates.put(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.NOT_EMULATED, lb.has("listener")
                    ? "one HTTP listener is emulated (" + origins.get("loadBalancer.listener") + ")"
                    : "only an HTTP listener that forwards to a target group is emulated", null));
            return;
        }
        ObjectNode listener = lb.putObject("listener");
        listener.put("port", props.path("Port").asInt(80)).put("protocol", "HTTP").put("defaultTargetGroup", defaultGroup);
        listener.putArray("rules");
        mapped(id, "loadBalancer.listener", null);
    }

    private void listenerRule(String id) {
        ObjectNode props = properties.get(id);
        ObjectNode lb = loadBalancerNode(id);
        if (!lb.has("listener")) {
            throw new TemplateProblem(where(id), "a listener rule without an emulated listener", "give the load balancer an HTTP listener");
        }
        String listenerId = ids.logicalOf(text(id, "ListenerArn") == null ? "" : text(id, "ListenerArn")).orElse(null);
        if (listenerId != null && !listenerId.equals(origins.get("loadBalancer.listener"))) {
            fates.put(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.NOT_EMULATED,
                    "a rule of listener " + listenerId + ", which is not emulated", null));
            return;
        }
        ArrayNode rules = (ArrayNode) lb.get("listener").get("rules");
        ObjectNode rule = rules.addObject();
        rule.put("priority", props.path("Priority").asInt());
        List<String> notes = new ArrayList<>();
        for (JsonNode c : props.path("Conditions")) {
            String field = c.path("Field").asText();
            JsonNode values = c.has("Values") ? c.get("Values")
                    : field.equals("path-pattern") ? c.path("PathPatternConfig").path("Values") : c.path("HostHeaderConfig").path("Values");
            switch (field) {
                case "path-pattern" -> rule.set("pathPatterns", values.deepCopy());
                case "host-header" -> rule.set("hostHeaders", values.deepCopy());
                default -> notes.add("condition " + field + " is not emulated: the rule matches without it");
            }
        }
        String target = forwardTarget(props.path("Actions"), where(id) + ".Actions");
        if (target == null) {
            throw new TemplateProblem(where(id) + ".Actions", "only forward actions to one target group are emulated",
                    "forward to a target group of the stack");
        }
        rule.put("targetGroup", target);
        mapped(id, "loadBalancer.listener.rules[" + (rules.size() - 1) + "]", notes.isEmpty() ? null : String.join("; ", notes));
    }

    private String forwardTarget(JsonNode actions, String where) {
        for (JsonNode a : actions) {
            if (a.path("Type").asText().equals("forward")) {
                String arn = a.has("TargetGroupArn") ? a.get("TargetGroupArn").asText()
                        : a.path("ForwardConfig").path("TargetGroups").path(0).path("TargetGroupArn").asText();
                return ids.logicalOf(arn).map(this::name).orElseThrow(() -> new TemplateProblem(where,
                        "'" + arn + "' is not a target group of the template", "forward to one with !Ref <TargetGroup>"));
            }
        }
        return null;
    }

    private ObjectNode loadBalancerNode(String id) {
        if (!tree.has("loadBalancer")) {
            throw new TemplateProblem(where(id), "no Application Load Balancer in the template", "declare an AWS::ElasticLoadBalancingV2::LoadBalancer");
        }
        return (ObjectNode) tree.get("loadBalancer");
    }

    // ---- ECS -----------------------------------------------------------------------------------

    private void cluster(String id) {
        if (tree.path("ecs").has("cluster")) {
            throw new TemplateProblem(where(id), "a second ECS cluster: Preflight's model holds one", "keep one in the stack you check");
        }
        section(tree, "ecs").put("cluster", name(id));
        mapped(id, "ecs.cluster", null);
    }

    private void service(String id) {
        ObjectNode props = properties.get(id);
        String name = name(id);
        String path = "ecs.services." + name;
        List<String> notes = new ArrayList<>();
        String taskDefinition = reference(id, "TaskDefinition", "AWS::ECS::TaskDefinition");
        String tdId = names.entrySet().stream().filter(e -> e.getValue().equals(taskDefinition)
                && types.get(e.getKey()).equals("AWS::ECS::TaskDefinition")).map(Map.Entry::getKey).findFirst().orElseThrow();
        ObjectNode td = properties.get(tdId);
        ObjectNode s = section(section(tree, "ecs"), "services").putObject(name);
        JsonNode containers = td.path("ContainerDefinitions");
        if (containers.size() != 1) {
            notes.add(containers.size() + " containers: only the first one runs");
        }
        JsonNode container = containers.path(0);
        s.put("image", image(tdId, container.path("Image").asText(), name));
        s.put("cpu", Integer.parseInt(td.path("Cpu").asText("256")));
        s.put("memory", Integer.parseInt(td.path("Memory").asText("512")));
        s.put("desiredCount", props.path("DesiredCount").asInt(1));
        JsonNode awsvpc = props.path("NetworkConfiguration").path("AwsvpcConfiguration");
        s.set("subnets", namesOf(id, awsvpc.path("Subnets"), "NetworkConfiguration.AwsvpcConfiguration.Subnets"));
        s.set("securityGroups", namesOf(id, awsvpc.path("SecurityGroups"), "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups"));
        putText(s, "executionRole", td.has("ExecutionRoleArn") ? referenceTo(tdId, td.get("ExecutionRoleArn").asText(), "ExecutionRoleArn") : null);
        putText(s, "taskRole", td.has("TaskRoleArn") ? referenceTo(tdId, td.get("TaskRoleArn").asText(), "TaskRoleArn") : null);
        JsonNode lbs = props.path("LoadBalancers");
        if (lbs.size() > 0) {
            s.put("targetGroup", referenceTo(id, lbs.get(0).path("TargetGroupArn").asText(), "LoadBalancers[0].TargetGroupArn"));
        }
        putInt(s, "healthCheckGracePeriodSeconds", props.get("HealthCheckGracePeriodSeconds"));
        s.set("container", container(tdId, container, notes));
        JsonNode dc = props.path("DeploymentConfiguration");
        ObjectNode deployment = s.putObject("deployment");
        deployment.put("minimumHealthyPercent", dc.path("MinimumHealthyPercent").asInt(100));
        deployment.put("maximumPercent", dc.path("MaximumPercent").asInt(200));
        deployment.putObject("circuitBreaker").put("enable", dc.path("DeploymentCircuitBreaker").path("Enable").asBoolean(false))
                .put("rollback", dc.path("DeploymentCircuitBreaker").path("Rollback").asBoolean(false));
        if (dc.has("Alarms")) {
            notes.add("deployment alarms are not evaluated");
        }
        String controller = props.path("DeploymentController").path("Type").asText("ECS");
        if (!controller.equals("ECS")) {
            throw new TemplateProblem(where(id) + ".DeploymentController.Type", "deployment controller " + controller + " is not emulated",
                    "use the ECS (rolling update) controller");
        }
        if (props.has("CapacityProviderStrategy") || props.has("PlacementStrategies") || props.has("PlacementConstraints")) {
            notes.add("capacity providers and placement are not emulated: tasks run on this machine");
        }
        mapped(id, path, notes.isEmpty() ? null : String.join("; ", notes));
        folded(tdId, path, null);
        origins.put(path + ".container", tdId);
        origins.put(path + ".image", tdId);
        origins.put(path + ".cpu", tdId);
        origins.put(path + ".memory", tdId);
    }

    /** The model's ECR repository for a container image: a CDK asset, or a repository of the template. */
    private String image(String tdId, String uri, String service) {
        Optional<CdkAssets.DockerImage> asset = assets.imageFor(uri);
        if (asset.isPresent()) {
            return assetRepository(asset.get(), service);
        }
        return ids.logicalIn(uri).filter(l -> types.get(l).equals("AWS::ECR::Repository")).or(() -> repositoryNamed(uri)).map(this::name)
                .orElseThrow(() -> new TemplateProblem(where(tdId) + ".ContainerDefinitions[0].Image", "image '" + uri
                        + "' is neither a CDK asset nor in an ECR repository of the template: Preflight builds every image from its Dockerfile",
                        "use ContainerImage.fromAsset(...) in CDK, or an ECR repository of the stack with Metadata {preflight: {build: {dockerfile,"
                                + " context}}}"));
    }

    /** The repository an ECR image URI names by its RepositoryName ({@code ContainerImage.fromRegistry("<account>.dkr.ecr.<region>.amazonaws.com/api:v1")}). */
    private Optional<String> repositoryNamed(String uri) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[0-9]+\\.dkr\\.ecr\\.[^/]+/([^:@]+)[:@].*").matcher(uri);
        if (!m.matches()) {
            return Optional.empty();
        }
        return types.entrySet().stream().filter(e -> e.getValue().equals("AWS::ECR::Repository")
                && m.group(1).equals(properties.get(e.getKey()).path("RepositoryName").asText())).map(Map.Entry::getKey).findFirst();
    }

    private ObjectNode container(String tdId, JsonNode c, List<String> notes) {
        ObjectNode out = NODES.objectNode();
        out.put("port", c.path("PortMappings").path(0).path("ContainerPort").asInt(8080));
        putInt(out, "stopTimeout", c.get("StopTimeout"));
        JsonNode group = c.path("LogConfiguration").path("Options").path("awslogs-group");
        if (!group.isMissingNode()) {
            out.put("logGroup", referenceTo(tdId, group.asText(), "ContainerDefinitions[0].LogConfiguration.Options.awslogs-group"));
        }
        JsonNode hc = c.path("HealthCheck");
        if (!hc.isMissingNode()) {
            ObjectNode check = out.putObject("healthCheck");
            JsonNode command = hc.path("Command");
            String kind = command.path(0).asText();
            List<String> words = new ArrayList<>();
            for (int i = 1; i < command.size(); i++) {
                words.add(command.get(i).asText());
            }
            check.put("command", kind.equals("CMD-SHELL") ? String.join(" ", words) : String.join(" ", words));
            putInt(check, "intervalSeconds", hc.get("Interval"));
            putInt(check, "timeoutSeconds", hc.get("Timeout"));
            putInt(check, "retries", hc.get("Retries"));
            putInt(check, "startPeriodSeconds", hc.get("StartPeriod"));
        }
        ObjectNode env = out.putObject("environment");
        for (JsonNode e : c.path("Environment")) {
            env.put(e.path("Name").asText(), environmentValue(e.path("Value").asText()));
        }
        ObjectNode secrets = out.putObject("secrets");
        for (JsonNode e : c.path("Secrets")) {
            String valueFrom = e.path("ValueFrom").asText();
            String secret = ids.standIns().entrySet().stream()
                    .filter(x -> valueFrom.startsWith(x.getKey()) && isSecret(x.getValue()))
                    .map(x -> name(x.getValue()) + valueFrom.substring(x.getKey().length())).findFirst()
                    .orElseThrow(() -> new TemplateProblem(where(tdId) + ".ContainerDefinitions[0].Secrets", "'" + valueFrom
                            + "' is not a Secrets Manager secret of the template", "refer to a secret of the stack (!Ref <Secret>)"));
            secrets.put(e.path("Name").asText(), secret);
        }
        return out;
    }

    /** A container environment value with the template's endpoints and names as the model's ${...} references. */
    private String environmentValue(String value) {
        for (Map.Entry<String, String> e : ids.standIns().entrySet()) {
            String logical = e.getValue();
            String standIn = e.getKey();
            if (!value.contains(standIn)) {
                continue;
            }
            String type = types.get(logical);
            String n = name(logical);
            String port = "port-" + logical.toLowerCase(Locale.ROOT);
            if (type.startsWith("AWS::ElastiCache::") && standIn.endsWith(".preflight.internal")) {
                value = value.replace("redis://" + standIn + ":" + port, "${elasticache." + n + ".url}")
                        .replace(standIn + ":" + port, "${elasticache." + n + ".url}");
            } else if (type.equals("AWS::RDS::DBInstance") && standIn.endsWith(".preflight.internal")) {
                value = value.replace(standIn, "${rds." + n + ".address}");
            } else if (type.equals("AWS::RDS::DBInstance") && standIn.equals(port)) {
                value = value.replace(standIn, "${rds." + n + ".port}");
            } else if (type.equals("AWS::S3::Bucket") && standIn.equals(logical.toLowerCase(Locale.ROOT))) {
                value = value.replace(standIn, "${s3." + n + ".bucket}");
            }
        }
        return value;
    }

    private void scalableTarget(String id) {
        ObjectNode props = properties.get(id);
        String resourceId = props.path("ResourceId").asText();
        String[] parts = resourceId.split("/");
        String service = parts.length == 3 ? ids.logicalOf(parts[2]).filter(l -> types.get(l).equals("AWS::ECS::Service")).orElse(null) : null;
        if (service == null || !props.path("ScalableDimension").asText().equals("ecs:service:DesiredCount")) {
            fates.put(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.NOT_EMULATED,
                    "only the desired count of an ECS service of the template is scaled", null));
            return;
        }
        ObjectNode s = (ObjectNode) tree.path("ecs").path("services").path(name(service));
        ObjectNode scaling = s.putObject("autoscaling");
        scaling.put("min", props.path("MinCapacity").asInt()).put("max", props.path("MaxCapacity").asInt());
        scaling.putArray("policies");
        folded(id, "ecs.services." + name(service) + ".autoscaling", null);
        origins.put("ecs.services." + name(service) + ".autoscaling", id);
        origins.put("ecs.services." + name(service) + ".desiredCount", id);
    }

    private void scalingPolicy(String id) {
        ObjectNode props = properties.get(id);
        String targetRef = props.path("ScalingTargetId").asText();
        Optional<String> target = ids.logicalOf(targetRef);
        ObjectNode scaling = target.flatMap(this::serviceScaledBy).orElse(null);
        JsonNode config = props.path("TargetTrackingScalingPolicyConfiguration");
        if (scaling == null || config.isMissingNode()) {
            fates.put(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.NOT_EMULATED, scaling == null
                    ? "it scales nothing the template's services are scaled by" : "step scaling is not emulated: only target tracking", null));
            return;
        }
        ObjectNode policy = ((ArrayNode) scaling.get("policies")).addObject();
        policy.put("metric", config.path("PredefinedMetricSpecification").path("PredefinedMetricType").asText());
        policy.put("targetValue", config.path("TargetValue").asDouble());
        putInt(policy, "scaleOutCooldownSeconds", config.get("ScaleOutCooldown"));
        putInt(policy, "scaleInCooldownSeconds", config.get("ScaleInCooldown"));
        folded(id, "the autoscaling of " + target.map(this::serviceOfTarget).orElse("?"),
                config.path("DisableScaleIn").asBoolean(false) ? "DisableScaleIn is not emulated" : null);
    }

    private Optional<ObjectNode> serviceScaledBy(String targetId) {
        return Optional.ofNullable(fates.get(targetId)).filter(f -> f.kind() == ResourceFate.Kind.FOLDED)
                .map(f -> (ObjectNode) at(f.becomes()));
    }

    private String serviceOfTarget(String targetId) {
        return fates.get(targetId).becomes();
    }

    private JsonNode at(String dottedPath) {
        JsonNode n = tree;
        for (String part : dottedPath.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void each(String type, Consumer<String> mapper) {
        types.forEach((id, t) -> {
            if (t.equals(type)) {
                mapper.accept(id);
            }
        });
    }

    private void mapped(String id, String path, String note) {
        fates.put(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.MAPPED, path, note));
        origins.putIfAbsent(path, id);
    }

    private void folded(String id, String into, String note) {
        fates.put(id, new ResourceFate(id, types.get(id), ResourceFate.Kind.FOLDED, into, note));
    }

    private String text(String id, String field) {
        JsonNode v = properties.get(id).get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The model name of the resource a property refers to, which must be of {@code type}. */
    private String reference(String id, String field, String type) {
        String value = Optional.ofNullable(text(id, field)).orElse("");
        return ids.logicalOf(value).filter(l -> types.get(l).equals(type)).map(this::name)
                .orElseThrow(() -> new TemplateProblem(where(id) + "." + field, "'" + value + "' is not a " + type + " of the template",
                        "refer to one with !Ref"));
    }

    private String referenceTo(String id, String value, String field) {
        return ids.logicalOf(value).or(() -> ids.logicalIn(value)).map(this::name)
                .orElseThrow(() -> new TemplateProblem(where(id) + "." + field, "'" + value + "' is not a resource of the template",
                        "refer to one of the stack's resources (!Ref or !GetAtt)"));
    }

    private ArrayNode namesOf(String id, JsonNode values, String field) {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode v : values) {
            out.add(referenceTo(id, v.asText(), field));
        }
        return out;
    }

    private ArrayNode subnetsOfGroup(String id, String field, String groupType, String subnetsField) {
        String groupName = text(id, field);
        String group = groupName == null ? null : ids.logicalOf(groupName).filter(l -> types.get(l).equals(groupType)).orElse(null);
        if (group == null) {
            throw new TemplateProblem(where(id) + "." + field, "no " + groupType + " of the template is named here",
                    "give the subnet group of the stack with !Ref");
        }
        return namesOf(group, properties.get(group).path(subnetsField), subnetsField);
    }

    private static String attribute(JsonNode attributes, String key, String fallback) {
        for (JsonNode a : attributes) {
            if (a.path("Key").asText().equals(key)) {
                return a.path("Value").asText();
            }
        }
        return fallback;
    }

    private ObjectNode network() {
        return section(tree, "network");
    }

    private static ObjectNode section(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing instanceof ObjectNode o ? o : parent.putObject(name);
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putInt(ObjectNode node, String field, JsonNode value) {
        if (value != null && !value.isNull()) {
            node.put(field, Integer.parseInt(value.asText()));
        }
    }

    private static String where(String id) {
        return "Resources." + id + ".Properties";
    }
}
