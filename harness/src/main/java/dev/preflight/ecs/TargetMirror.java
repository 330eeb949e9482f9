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
    private final long subnetBase;
    private final long subnetSize;
    private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(10);

    /**
     * @param subnetCidr the service's subnet: each task gets a private IP from it, as awsvpc gives an
     *                   ENI, because the engine accepts only IP targets inside the target group's VPC
     */
    TargetMirror(AwsClients aws, String targetGroupArn, String subnetCidr) {
        this.aws = aws;
        this.targetGroupArn = targetGroupArn;
        String[] parts = subnetCidr == null ? new String[] {"10.0.0.0", "24"} : subnetCidr.split("/");
        long base = 0;
        for (String octet : parts[0].split("\\.")) {
            base = base * 256 + Integer.parseInt(octet);
        }
        this.subnetBase = base;
        this.subnetSize = 1L << (32 - Integer.parseInt(parts[1]));
    }

    /** A new task's private IP in its subnet (AWS reserves the first four addresses and the last). */
    String assignPrivateIp() {
        long offset = 4 + (next.getAndIncrement() % (subnetSize - 5));
        long ip = subnetBase + offset;
        return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
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
