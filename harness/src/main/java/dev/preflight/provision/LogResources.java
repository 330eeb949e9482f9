package dev.preflight.provision;

import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

/** CloudWatch log groups with their retention. */
final class LogResources implements ResourceKind {

    @Override
    public String title() {
        return "logs";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        CloudWatchLogsClient logs = ctx.aws().logs();
        ctx.topology().logs().groups().forEach((name, group) -> {
            String awsName = ctx.naming().logGroup(name);
            Optional<LogGroup> actual = find(logs, awsName);
            if (actual.isEmpty()) {
                ctx.create("log group " + awsName, () -> {
                    logs.createLogGroup(r -> r.logGroupName(awsName).tags(ctx.tags(awsName)));
                    if (group.retentionInDays() != null) {
                        logs.putRetentionPolicy(r -> r.logGroupName(awsName).retentionInDays(group.retentionInDays()));
                    }
                    ctx.outputs().put("logGroup", name, awsName);
                });
                return;
            }
            ctx.outputs().put("logGroup", name, awsName);
            if (Objects.equals(actual.get().retentionInDays(), group.retentionInDays())) {
                ctx.unchanged("log group " + awsName);
            } else {
                ctx.update("log group " + awsName, "retention " + group.retentionInDays() + " days", () -> {
                    if (group.retentionInDays() == null) {
                        logs.deleteRetentionPolicy(r -> r.logGroupName(awsName));
                    } else {
                        logs.putRetentionPolicy(r -> r.logGroupName(awsName).retentionInDays(group.retentionInDays()));
                    }
                });
            }
        });
    }

    static Optional<LogGroup> find(CloudWatchLogsClient logs, String name) {
        return logs.describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                .filter(g -> g.logGroupName().equals(name)).findFirst();
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        CloudWatchLogsClient logs = ctx.aws().logs();
        ctx.topology().logs().groups().keySet().forEach(name -> {
            String awsName = ctx.naming().logGroup(name);
            if (find(logs, awsName).isPresent()) {
                ctx.delete("log group " + awsName, () -> logs.deleteLogGroup(r -> r.logGroupName(awsName)));
            }
            ctx.outputs().remove("logGroup", name);
        });
    }
}
