package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.topology.Suggestions;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The properties CloudFormation has, for the types Preflight maps: a property outside them is a
 * typo (CloudFormation would refuse the template), reported with the closest name.
 */
final class PropertyNames {
    private static final Map<String, Set<String>> KNOWN = Map.ofEntries(
            Map.entry("AWS::EC2::VPC", Set.of("CidrBlock", "EnableDnsHostnames", "EnableDnsSupport", "InstanceTenancy", "Ipv4IpamPoolId",
                    "Ipv4NetmaskLength", "Tags")),
            Map.entry("AWS::EC2::Subnet", Set.of("AssignIpv6AddressOnCreation", "AvailabilityZone", "AvailabilityZoneId", "CidrBlock",
                    "EnableDns64", "EnableLniAtDeviceIndex", "Ipv4IpamPoolId", "Ipv4NetmaskLength", "Ipv6CidrBlock", "Ipv6IpamPoolId",
                    "Ipv6Native", "Ipv6NetmaskLength", "MapPublicIpOnLaunch", "OutpostArn", "PrivateDnsNameOptionsOnLaunch", "Tags", "VpcId")),
            Map.entry("AWS::EC2::SecurityGroup", Set.of("GroupDescription", "GroupName", "SecurityGroupEgress", "SecurityGroupIngress", "Tags",
                    "VpcId")),
            Map.entry("AWS::EC2::SecurityGroupIngress", Set.of("CidrIp", "CidrIpv6", "Description", "FromPort", "GroupId", "GroupName",
                    "IpProtocol", "SourcePrefixListId", "SourceSecurityGroupId", "SourceSecurityGroupName", "SourceSecurityGroupOwnerId", "ToPort")),
            Map.entry("AWS::ECR::Repository", Set.of("EmptyOnDelete", "EncryptionConfiguration", "ImageScanningConfiguration",
                    "ImageTagMutability", "ImageTagMutabilityExclusionFilters", "LifecyclePolicy", "RepositoryName", "RepositoryPolicyText", "Tags")),
            Map.entry("AWS::Logs::LogGroup", Set.of("DataProtectionPolicy", "DeletionProtectionEnabled", "FieldIndexPolicies", "KmsKeyId",
                    "LogGroupClass", "LogGroupName", "ResourcePolicyDocument", "RetentionInDays", "Tags")),
            Map.entry("AWS::SecretsManager::Secret", Set.of("Description", "GenerateSecretString", "KmsKeyId", "Name", "ReplicaRegions",
                    "SecretString", "Tags")),
            Map.entry("AWS::SecretsManager::SecretTargetAttachment", Set.of("SecretId", "TargetId", "TargetType")),
            Map.entry("AWS::RDS::DBInstance", Set.of("AllocatedStorage", "AllowMajorVersionUpgrade", "AssociatedRoles", "AutoMinorVersionUpgrade",
                    "AutomaticBackupReplicationRegion", "AvailabilityZone", "BackupRetentionPeriod", "CACertificateIdentifier", "CopyTagsToSnapshot",
                    "DBClusterIdentifier", "DBInstanceClass", "DBInstanceIdentifier", "DBName", "DBParameterGroupName", "DBSecurityGroups",
                    "DBSnapshotIdentifier", "DBSubnetGroupName", "DeleteAutomatedBackups", "DeletionProtection", "EnableCloudwatchLogsExports",
                    "EnableIAMDatabaseAuthentication", "EnablePerformanceInsights", "Engine", "EngineLifecycleSupport", "EngineVersion", "Iops",
                    "KmsKeyId", "LicenseModel", "ManageMasterUserPassword", "MasterUserPassword", "MasterUserSecret", "MasterUsername",
                    "MaxAllocatedStorage", "MonitoringInterval", "MonitoringRoleArn", "MultiAZ", "NetworkType", "OptionGroupName",
                    "PerformanceInsightsKMSKeyId", "PerformanceInsightsRetentionPeriod", "Port", "PreferredBackupWindow",
                    "PreferredMaintenanceWindow", "PubliclyAccessible", "StorageEncrypted", "StorageThroughput", "StorageType", "Tags",
                    "VPCSecurityGroups")),
            Map.entry("AWS::RDS::DBSubnetGroup", Set.of("DBSubnetGroupDescription", "DBSubnetGroupName", "SubnetIds", "Tags")),
            Map.entry("AWS::ElastiCache::CacheCluster", Set.of("AZMode", "AutoMinorVersionUpgrade", "CacheNodeType", "CacheParameterGroupName",
                    "CacheSecurityGroupNames", "CacheSubnetGroupName", "ClusterName", "Engine", "EngineVersion", "IpDiscovery",
                    "LogDeliveryConfigurations", "NetworkType", "NotificationTopicArn", "NumCacheNodes", "Port", "PreferredAvailabilityZone",
                    "PreferredAvailabilityZones", "PreferredMaintenanceWindow", "SnapshotArns", "SnapshotName", "SnapshotRetentionLimit",
                    "SnapshotWindow", "Tags", "TransitEncryptionEnabled", "VpcSecurityGroupIds")),
            Map.entry("AWS::ElastiCache::SubnetGroup", Set.of("CacheSubnetGroupName", "Description", "SubnetIds", "Tags")),
            Map.entry("AWS::S3::Bucket", Set.of("AbacStatus", "AccelerateConfiguration", "AccessControl", "AnalyticsConfigurations",
                    "BucketEncryption", "BucketName", "CorsConfiguration", "IntelligentTieringConfigurations", "InventoryConfigurations",
                    "LifecycleConfiguration", "LoggingConfiguration", "MetadataConfiguration", "MetadataTableConfiguration", "MetricsConfigurations",
                    "NotificationConfiguration", "ObjectLockConfiguration", "ObjectLockEnabled", "OwnershipControls",
                    "PublicAccessBlockConfiguration", "ReplicationConfiguration", "Tags", "VersioningConfiguration", "WebsiteConfiguration")),
            Map.entry("AWS::IAM::Role", Set.of("AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration", "Path",
                    "PermissionsBoundary", "Policies", "RoleName", "Tags")),
            Map.entry("AWS::IAM::Policy", Set.of("Groups", "PolicyDocument", "PolicyName", "Roles", "Users")),
            Map.entry("AWS::IAM::ManagedPolicy", Set.of("Description", "Groups", "ManagedPolicyName", "Path", "PolicyDocument", "Roles", "Users")),
            Map.entry("AWS::ElasticLoadBalancingV2::LoadBalancer", Set.of("EnableCapacityReservationProvisionStabilize",
                    "EnablePrefixForIpv6SourceNat", "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "IpAddressType", "Ipv4IpamPoolId",
                    "LoadBalancerAttributes", "MinimumLoadBalancerCapacity", "Name", "Scheme", "SecurityGroups", "SubnetMappings", "Subnets",
                    "Tags", "Type")),
            Map.entry("AWS::ElasticLoadBalancingV2::Listener", Set.of("AlpnPolicy", "Certificates", "DefaultActions", "ListenerAttributes",
                    "LoadBalancerArn", "MutualAuthentication", "Port", "Protocol", "SslPolicy")),
            Map.entry("AWS::ElasticLoadBalancingV2::ListenerRule", Set.of("Actions", "Conditions", "ListenerArn", "Priority", "Transforms")),
            Map.entry("AWS::ElasticLoadBalancingV2::TargetGroup", Set.of("HealthCheckEnabled", "HealthCheckIntervalSeconds", "HealthCheckPath",
                    "HealthCheckPort", "HealthCheckProtocol", "HealthCheckTimeoutSeconds", "HealthyThresholdCount", "IpAddressType", "Matcher",
                    "Name", "Port", "Protocol", "ProtocolVersion", "Tags", "TargetGroupAttributes", "TargetType", "Targets",
                    "UnhealthyThresholdCount", "VpcId")),
            Map.entry("AWS::ECS::Cluster", Set.of("CapacityProviders", "ClusterName", "ClusterSettings", "Configuration",
                    "DefaultCapacityProviderStrategy", "ServiceConnectDefaults", "Tags")),
            Map.entry("AWS::ECS::TaskDefinition", Set.of("ContainerDefinitions", "Cpu", "EnableFaultInjection", "EphemeralStorage",
                    "ExecutionRoleArn", "Family", "InferenceAccelerators", "IpcMode", "Memory", "NetworkMode", "PidMode", "PlacementConstraints",
                    "ProxyConfiguration", "RequiresCompatibilities", "RuntimePlatform", "Tags", "TaskRoleArn", "Volumes")),
            Map.entry("AWS::ECS::Service", Set.of("AvailabilityZoneRebalancing", "CapacityProviderStrategy", "Cluster", "DeploymentConfiguration",
                    "DeploymentController", "DesiredCount", "EnableECSManagedTags", "EnableExecuteCommand", "HealthCheckGracePeriodSeconds",
                    "LaunchType", "LoadBalancers", "NetworkConfiguration", "PlacementConstraints", "PlacementStrategies", "PlatformVersion",
                    "PropagateTags", "Role", "SchedulingStrategy", "ServiceConnectConfiguration", "ServiceName", "ServiceRegistries", "Tags",
                    "TaskDefinition", "VolumeConfigurations", "VpcLatticeConfigurations", "ForceNewDeployment")),
            Map.entry("AWS::ApplicationAutoScaling::ScalableTarget", Set.of("MaxCapacity", "MinCapacity", "PredictedCapacity", "ResourceId",
                    "RoleARN", "ScalableDimension", "ScheduledActions", "ServiceNamespace", "SuspendedState")),
            Map.entry("AWS::ApplicationAutoScaling::ScalingPolicy", Set.of("PolicyName", "PolicyType", "PredictiveScalingPolicyConfiguration",
                    "ResourceId", "ScalableDimension", "ScalingTargetId", "ServiceNamespace", "StepScalingPolicyConfiguration",
                    "TargetTrackingScalingPolicyConfiguration")));

    private PropertyNames() {
    }

    /** A problem for the first property of {@code properties} that the type does not have; nothing for types not mapped. */
    static void check(String type, JsonNode properties, String where) {
        Set<String> known = KNOWN.get(type);
        if (known == null || !properties.isObject()) {
            return;
        }
        properties.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                String hint = Suggestions.closest(name, known).map(s -> "did you mean '" + s + "'? ").orElse("");
                throw new TemplateProblem(where + "." + name, type + " has no property '" + name + "'",
                        hint + "use one of " + new TreeSet<>(known));
            }
        });
    }
}
