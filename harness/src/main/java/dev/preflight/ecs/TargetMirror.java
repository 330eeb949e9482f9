package dev.preflight.ecs;

import dev.preflight.aws.AwsClients;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the runtime's target registrations to the AWS engine's target group, so
 * DescribeTargetHealth through the AWS API lists the same targets. Best effort: the engine is a
 * record keeper (moto reports every target healthy); the runtime's load balancer is the truth.
 */
final class TargetMirror {
    private static final Logger LOG = LoggerFactory.getLogger(TargetMirror.class);

    private final AwsClients aws;
    private final String targetGroupArn;
    private final AtomicBoolean warned = new AtomicBoolean();

    TargetMirror(AwsClients aws, String targetGroupArn) {
        this.aws = aws;
        this.targetGroupArn = targetGroupArn;
    }

    void register(EcsTask task) {
        if (targetGroupArn == null) {
            return;
        }
        call(() -> aws.elb().registerTargets(r -> r.targetGroupArn(targetGroupArn)
                .targets(t -> t.id(task.privateIp()).port(task.port()))));
    }

    void deregister(EcsTask task) {
        if (targetGroupArn == null) {
            return;
        }
        call(() -> aws.elb().deregisterTargets(r -> r.targetGroupArn(targetGroupArn)
                .targets(t -> t.id(task.privateIp()).port(task.port()))));
    }

    private void call(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("Could not mirror target registration to the AWS engine: {}", e.getMessage());
            }
        }
    }
}
