package dev.preflight.topology.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.topology.EcsService;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyException;
import dev.preflight.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CloudFormation templates and cdk.out folders read into the model, through the same loader and validator as the YAML. */
class TemplateReaderTest {
    private static final Path REFERENCE = locate("fixtures/cloudformation/reference.yaml");

    @TempDir
    Path dir;

    @Test
    void theHandWrittenTemplateReadsAsTheReferenceEnvironment() {
        Topology cfn = new TopologyLoader().load(REFERENCE, "dev");
        Topology yaml = new TopologyLoader().load(locate("fixtures/topology"), "dev");

        assertThat(cfn.project()).isEqualTo("reference");
        assertThat(cfn.ecs().services().keySet()).containsExactlyInAnyOrderElementsOf(yaml.ecs().services().keySet());
        assertThat(cfn.loadBalancer().targetGroups()).isEqualTo(yaml.loadBalancer().targetGroups());
        assertThat(cfn.loadBalancer().listener()).isEqualTo(yaml.loadBalancer().listener());
        assertThat(cfn.network().subnets().keySet()).isEqualTo(yaml.network().subnets().keySet());
        assertThat(cfn.network().securityGroups()).isEqualTo(yaml.network().securityGroups());
        for (String name : yaml.ecs().services().keySet()) {
            EcsService a = cfn.ecs().services().get(name);
            EcsService b = yaml.ecs().services().get(name);
            assertThat(a.container()).as(name).isEqualTo(b.container());
            assertThat(a.deployment()).as(name).isEqualTo(b.deployment());
            assertThat(List.of(a.cpu(), a.memory(), a.desiredCount(), a.healthCheckGracePeriodSeconds()))
                    .as(name).isEqualTo(List.of(b.cpu(), b.memory(), b.desiredCount(), b.healthCheckGracePeriodSeconds()));
            assertThat(a.autoscaling()).as(name).isEqualTo(b.autoscaling());
            assertThat(List.of(a.image(), a.targetGroup(), a.executionRole(), a.taskRole(), a.subnets(), a.securityGroups()))
                    .as(name).isEqualTo(List.of(b.image(), b.targetGroup(), b.executionRole(), b.taskRole(), b.subnets(), b.securityGroups()));
        }
        assertThat(cfn.rds()).isEqualTo(yaml.rds());
        assertThat(cfn.elasticache()).isEqualTo(yaml.elasticache());
        assertThat(cfn.s3()).isEqualTo(yaml.s3());
        assertThat(cfn.secrets().get("db-credentials").rotationStrategy()).isEqualTo(yaml.secrets().get("db-credentials").rotationStrategy());
        assertThat(cfn.iam().roles().get("api-task").statements()).isEqualTo(yaml.iam().roles().get("api-task").statements());
        assertThat(cfn.iam().roles().get("admin-task").statements()).isEqualTo(yaml.iam().roles().get("admin-task").statements());
        assertThat(cfn.ecr().repositories().get("api").build().contextPath()).isEqualTo(yaml.ecr().repositories().get("api").build().contextPath());
    }

    @Test
    void parametersMappingsAndConditionsDecideWhatIsRead() {
        Topology prod = withParameters(Map.of("Stage", "prod", "ApiDesiredCount", "2"), () -> new TopologyLoader().load(REFERENCE, "prod"));
        assertThat(prod.rds().get("app-db").multiAz()).as("Fn::If on IsProd").isTrue();
        assertThat(prod.ecs().services().get("api").autoscaling().max()).as("Fn::FindInMap").isEqualTo(6);
        assertThat(prod.ecs().services().get("api").desiredCount()).isEqualTo(2);
        assertThat(prod.logs().groups().get("api").retentionInDays()).isEqualTo(30);
        assertThat(prod.network().subnets().get("private-b").availabilityZone()).as("Fn::Select of Fn::GetAZs").isEqualTo("us-east-1b");
    }

    @Test
    void everyResourceHasAFateAndWhatIsNotEmulatedIsListed() {
        TemplateRead read = TemplateReader.read(REFERENCE, new TemplateReader.Options(null, Map.of(), null));
        assertThat(read.fates()).hasSize(53);
        assertThat(read.fates()).filteredOn(f -> f.kind() == ResourceFate.Kind.NOT_EMULATED).extracting(ResourceFate::logicalId)
                .containsExactlyInAnyOrder("Gateway", "GatewayAttachment");
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("ApiTaskPolicy")).singleElement()
                .satisfies(f -> assertThat(f.line()).contains("folded into iam.roles.api-task"));
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("DbRotation")).singleElement()
                .satisfies(f -> assertThat(f.line()).contains("secrets.db-credentials.rotation (alternating-users)"));
    }

    @Test
    void aResourceWhoseConditionIsFalseIsNotCreated() throws IOException {
        Path t = template("""
                Parameters: { WithBucket: { Type: String, Default: "no" } }
                Conditions: { Bucket: !Equals [!Ref WithBucket, "yes"] }
                Resources:
                  Media: { Type: AWS::S3::Bucket, Condition: Bucket }
                  Logs: { Type: AWS::Logs::LogGroup, Properties: { RetentionInDays: !If [Bucket, 7, !Ref "AWS::NoValue"] } }
                """);
        TemplateRead read = TemplateReader.read(t, new TemplateReader.Options(null, Map.of(), null));
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("Media")).singleElement()
                .satisfies(f -> assertThat(f.kind()).isEqualTo(ResourceFate.Kind.CONDITION_FALSE));
        assertThat(read.tree().path("s3").isMissingNode()).isTrue();
        assertThat(read.tree().path("logs").path("groups").path("logs").has("retentionInDays")).as("AWS::NoValue removes it").isFalse();
    }

    @Test
    void subJoinSelectAndSplitWorkOnTheResourcesOwnValues() throws IOException {
        Path t = template("""
                Resources:
                  Repo: { Type: AWS::ECR::Repository }
                  Logs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: !Join ["-", [!Select [5, !Split [":", !GetAtt Repo.Arn]], !Sub "${AWS::Region}", !Sub "${!Literal}"]]
                """);
        TemplateRead read = TemplateReader.read(t, new TemplateReader.Options(null, Map.of(), "eu-west-1"));
        assertThat(read.tree().path("logs").path("groups").fieldNames().next()).as("an explicit name that is a path keeps its last part").isEqualTo("repo-eu-west-1-literal");
    }

    @Test
    void anUnsupportedIntrinsicNamesTheTemplateThePlaceAndTheFix() throws IOException {
        Path t = template("""
                Resources:
                  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !Cidr ["10.0.0.0/16", 2, 8] } }
                """);
        assertThatThrownBy(() -> new TopologyLoader().load(t, "dev")).isInstanceOf(TopologyException.class)
                .hasMessageContaining(t.toString())
                .hasMessageContaining("Resources.Vpc.Properties.CidrBlock.Fn::Cidr")
                .hasMessageContaining("the intrinsic function Fn::Cidr is not supported")
                .hasMessageContaining("Fix: use one of");
    }

    @Test
    void anImageUriNamingARepositoryOfTheStackResolvesToItAndAnyOtherImageIsRefused() throws IOException {
        String text = reference().replace("Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${ApiRepository}:latest\"",
                "Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v7");
        Path fromRegistry = dir.resolve("from-registry.yaml");
        Files.writeString(fromRegistry, text);
        assertThat(new TopologyLoader().load(fromRegistry, "dev").ecs().services().get("api").image()).isEqualTo("api");

        Path publicImage = dir.resolve("public-image.yaml");
        Files.writeString(publicImage, text.replace("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v7", "nginx:1.27"));
        assertThatThrownBy(() -> new TopologyLoader().load(publicImage, "dev"))
                .hasMessageContaining("Resources.ApiTaskDefinition.Properties.ContainerDefinitions[0].Image")
                .hasMessageContaining("image 'nginx:1.27' is neither a CDK asset nor in an ECR repository of the template");
    }

    @Test
    void aHostedRotationScheduleGivesTheSecretItsStrategy() throws IOException {
        assertThat(new TopologyLoader().load(REFERENCE, "dev").secrets().get("db-credentials").rotationStrategy())
                .as("PostgreSQLMultiUser").isEqualTo("alternating-users");
        Path single = dir.resolve("single-user.yaml");
        Files.writeString(single, reference().replace("RotationType: PostgreSQLMultiUser", "RotationType: PostgreSQLSingleUser"));
        assertThat(new TopologyLoader().load(single, "dev").secrets().get("db-credentials").rotationStrategy()).isEqualTo("single-user");
        Path none = dir.resolve("no-schedule.yaml");
        Files.writeString(none, reference().replaceAll("(?s)  DbRotation:.*?AutomaticallyAfterDays: 30 \\}\n", ""));
        assertThat(new TopologyLoader().load(none, "dev").secrets().get("db-credentials").rotationStrategy())
                .as("no schedule: Secrets Manager's single-user default").isEqualTo("single-user");
    }

    @Test
    void theStacksOwnManagedPoliciesJoinTheRolesTheyAreAttachedToAndAnAwsManagedOneIsNoted() throws IOException {
        Path t = template("""
                Resources:
                  Media: { Type: AWS::S3::Bucket, Properties: { BucketName: media } }
                  AppRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: ecs-tasks.amazonaws.com }, Action: sts:AssumeRole }] }
                      ManagedPolicyArns: [!Ref ReadMedia, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
                  ReadMedia:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument: { Statement: [{ Effect: Allow, Action: s3:GetObject, Resource: !Sub "${Media.Arn}/*" }] }
                  WriteMedia:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      Roles: [!Ref AppRole]
                      PolicyDocument: { Statement: [{ Effect: Allow, Action: s3:PutObject, Resource: !Sub "${Media.Arn}/*" }] }
                  Unused:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument: { Statement: [{ Effect: Allow, Action: s3:DeleteObject, Resource: !Sub "${Media.Arn}/*" }] }
                """);
        TemplateRead read = TemplateReader.read(t, new TemplateReader.Options(null, Map.of(), null));
        assertThat(read.tree().path("iam").path("roles").fieldNames()).toIterable().containsExactly("app");
        assertThat(read.tree().path("iam").path("roles").path("app").path("statements").toString())
                .contains("s3:GetObject").contains("s3:PutObject").doesNotContain("s3:DeleteObject");
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("ReadMedia")).singleElement()
                .satisfies(f -> assertThat(f.line()).contains("folded into iam.roles.app"));
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("Unused")).singleElement()
                .satisfies(f -> assertThat(f.line()).contains("attached to no role of the stack"));
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("AppRole")).singleElement()
                .satisfies(f -> assertThat(f.line()).contains("managed policies [arn:aws:iam::aws:policy/ReadOnlyAccess] are not evaluated"));
    }

    @Test
    void aTrustPolicyOpenToAnyPrincipalIsRefused() throws IOException {
        Path t = template("""
                Resources:
                  Open:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: "*" }, Action: sts:AssumeRole }] }
                """);
        assertThatThrownBy(() -> TemplateReader.read(t, new TemplateReader.Options(null, Map.of(), null)))
                .hasMessageContaining("Resources.Open.Properties.AssumeRolePolicyDocument: the trust policy lets any principal assume the role");
    }

    @Test
    void aGithubTrustThatLetsOthersInIsRefused() throws IOException {
        String role = """
                Resources:
                  Deploy:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Statement:
                          - Effect: Allow
                            Principal: { Federated: !Sub "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }
                            Action: sts:AssumeRoleWithWebIdentity
                            Condition: %s
                """;
        Map<String, String> cases = Map.of(
                "{ StringEquals: { token.actions.githubusercontent.com:sub: 'repo:acme/shop:ref:refs/heads/main' } }", "does not check the token's audience",
                "{ StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com } }", "does not check the token's subject",
                "{ StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com }, StringLike: { token.actions.githubusercontent.com:sub: 'repo:acme/*' } }",
                "has a wildcard");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path t = template(role.formatted(c.getKey()));
            assertThatThrownBy(() -> TemplateReader.read(t, new TemplateReader.Options(null, Map.of(), null))).as(c.getKey())
                    .hasMessageContaining("Resources.Deploy.Properties.AssumeRolePolicyDocument").hasMessageContaining(c.getValue());
        }
        Path good = template(role.formatted("{ StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com,"
                + " token.actions.githubusercontent.com:sub: 'repo:acme/shop:environment:prod' } }"));
        TemplateRead read = TemplateReader.read(good, new TemplateReader.Options(null, Map.of(), null));
        assertThat(read.tree().path("iam").path("roles").path("deploy").path("trust").path("githubOidc").toString())
                .isEqualTo("{\"repository\":\"acme/shop\",\"environment\":\"prod\"}");
    }

    @Test
    void theRulesOfAListenerThatIsNotEmulatedAreListedNotMoved() throws IOException {
        Path t = template("""
                Resources:
                  Lb: { Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: { Type: application } }
                  Web: { Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: { Port: 8080 } }
                  Http:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties: { LoadBalancerArn: !Ref Lb, Port: 80, Protocol: HTTP, DefaultActions: [{ Type: forward, TargetGroupArn: !Ref Web }] }
                  Https:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties: { LoadBalancerArn: !Ref Lb, Port: 443, Protocol: HTTPS, DefaultActions: [{ Type: forward, TargetGroupArn: !Ref Web }] }
                  SecureRule:
                    Type: AWS::ElasticLoadBalancingV2::ListenerRule
                    Properties:
                      ListenerArn: !Ref Https
                      Priority: 5
                      Conditions: [{ Field: path-pattern, Values: ["/secure/*"] }]
                      Actions: [{ Type: forward, TargetGroupArn: !Ref Web }]
                """);
        TemplateRead read = TemplateReader.read(t, new TemplateReader.Options(null, Map.of(), null));
        assertThat(read.tree().path("loadBalancer").path("listener").path("rules").size()).isZero();
        assertThat(read.fates()).filteredOn(f -> f.logicalId().equals("SecureRule")).singleElement()
                .satisfies(f -> assertThat(f.line()).contains("not emulated: a rule of listener Https"));
    }

    @Test
    void aMissingParameterSaysHowToGiveIt() throws IOException {
        Path t = template("""
                Parameters: { Cidr: { Type: String } }
                Resources:
                  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !Ref Cidr } }
                """);
        assertThatThrownBy(() -> new TopologyLoader().load(t, "dev")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Parameters.Cidr: no value for the parameter (it has no Default)")
                .hasMessageContaining("--parameter Cidr=VALUE");
        TemplateRead given = TemplateReader.read(t, new TemplateReader.Options(null, Map.of("Cidr", "10.9.0.0/16"), null));
        assertThat(given.tree().path("network").path("vpc").path("cidr").asText()).isEqualTo("10.9.0.0/16");
        assertThatThrownBy(() -> TemplateReader.read(t, new TemplateReader.Options(null, Map.of("Cidr", "10.9.0.0/16", "Cidrr", "x"), null)))
                .hasMessageContaining("the template has no parameter 'Cidrr'");
    }

    @Test
    void aPropertyCloudFormationDoesNotHaveIsATypoWithItsNearestName() throws IOException {
        Path t = template("""
                Resources:
                  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlok: 10.0.0.0/16 } }
                """);
        assertThatThrownBy(() -> new TopologyLoader().load(t, "dev")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("Resources.Vpc.Properties.CidrBlok: AWS::EC2::VPC has no property 'CidrBlok'")
                .hasMessageContaining("did you mean 'CidrBlock'?");
    }

    @Test
    void aRefToNothingAndADependsOnNothingAreNamed() throws IOException {
        Path ref = template("""
                Resources:
                  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !Ref Nowhere } }
                """);
        assertThatThrownBy(() -> new TopologyLoader().load(ref, "dev")).hasMessageContaining("Resources.Vpc.Properties.CidrBlock.Ref: 'Nowhere'");
        Path depends = template("""
                Resources:
                  Vpc: { Type: AWS::EC2::VPC, DependsOn: Gatway, Properties: { CidrBlock: 10.0.0.0/16 } }
                """);
        assertThatThrownBy(() -> new TopologyLoader().load(depends, "dev")).hasMessageContaining("Resources.Vpc.DependsOn: depends on 'Gatway'");
    }

    @Test
    void theValidatorsMessagesNameTheLogicalId() throws IOException {
        String text = reference().replace("MinCapacity: 1\n      MaxCapacity: !FindInMap [StageSizes, !Ref Stage, ApiMax]",
                "MinCapacity: 5\n      MaxCapacity: 2");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, text);
        assertThatThrownBy(() -> new TopologyLoader().load(broken, "dev")).isInstanceOf(TopologyException.class)
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("ecs.services.api.autoscaling")
                .hasMessageContaining("(from ApiScaling)");
    }

    @Test
    void aCdkOutWithSeveralStacksNeedsOneChosenAndImportsAcrossThem() throws IOException {
        Path out = dir.resolve("cdk.out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("manifest.json"), """
                {"version": "55.0.0", "artifacts": {
                  "Network": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Network.template.json"}},
                  "App": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "App.template.json"}}}}
                """);
        Files.writeString(out.resolve("Network.template.json"), """
                {"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.7.0.0/16"}}},
                 "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "network-vpc"}}}}
                """);
        Files.writeString(out.resolve("App.template.json"), """
                {"Resources": {"A": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Fn::ImportValue": "network-vpc"},
                   "CidrBlock": "10.7.1.0/24", "AvailabilityZone": "us-east-1a"}}}}
                """);
        assertThatThrownBy(() -> TemplateReader.read(out, new TemplateReader.Options(null, Map.of(), null)))
                .hasMessageContaining("the cdk.out holds several stacks [Network, App]").hasMessageContaining("--stack NAME");
        TemplateRead app = TemplateReader.read(out, new TemplateReader.Options("App", Map.of(), null));
        assertThat(app.tree().path("network").path("vpc").path("cidr").asText()).as("the exporting stack is read with it").isEqualTo("10.7.0.0/16");
        assertThat(app.tree().path("network").path("subnets").has("a")).isTrue();
    }

    /** The reference template's text, its build contexts absolute so that a changed copy can live elsewhere. */
    private static String reference() throws IOException {
        return Files.readString(REFERENCE).replace("context: ../", "context: " + REFERENCE.getParent().getParent() + "/");
    }

    private Path template(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "template-", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static <T> T withParameters(Map<String, String> parameters, java.util.function.Supplier<T> body) {
        System.setProperty(TemplateReader.Options.PARAMETERS_PROPERTY, String.join(",",
                parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        try {
            return body.get();
        } finally {
            System.clearProperty(TemplateReader.Options.PARAMETERS_PROPERTY);
        }
    }

    private static Path locate(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(relative))) {
            p = p.getParent();
        }
        return p == null ? Path.of(relative) : p.resolve(relative);
    }
}
