package dev.preflight.environment;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.Engines;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.provision.Outputs;
import dev.preflight.provision.ProvisionResult;
import dev.preflight.provision.Provisioner;
import dev.preflight.topology.Topology;
import java.io.PrintStream;
import java.net.URI;
import java.util.NoSuchElementException;

/**
 * A provisioned environment: the topology, the AWS records the engine holds, and the real
 * addresses behind them (PostgreSQL for RDS, Redis for ElastiCache). What a scenario talks to.
 */
public final class Environment implements AutoCloseable {
    private final Engines engines;
    private final AwsClients aws;
    private final Outputs outputs = new Outputs();
    private final PrintStream progress;
    private volatile Topology topology;
    private volatile Provisioner provisioner;
    /** Every topology applied to it, oldest first: destroy goes through all of them (a change may have added resources). */
    private final java.util.List<Provisioner> applied = new java.util.ArrayList<>();
    private ProvisionResult lastApply;

    private Environment(Topology topology, Engines engines, PrintStream progress) {
        this.topology = topology;
        this.engines = engines;
        this.progress = progress;
        this.aws = new AwsClients(engines.aws(), topology.region());
        this.provisioner = new Provisioner(topology, aws, engines, outputs, progress);
        this.applied.add(provisioner);
    }

    /**
     * Checks the engine serves what the topology needs, then applies the topology. On failure what
     * was created is destroyed again, so nothing is left half-made.
     */
    public static Environment provision(Topology topology, Engines engines, PrintStream progress) {
        Environment environment = new Environment(topology, engines, progress);
        try {
            ServiceCheck.requireServices(environment.aws, engines.aws(), topology);
            environment.apply();
            return environment;
        } catch (RuntimeException e) {
            try {
                environment.destroy();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            environment.close();
            throw e;
        }
    }

    /** An environment handle without applying anything, e.g. to plan first. */
    public static Environment attach(Topology topology, Engines engines, PrintStream progress) {
        return new Environment(topology, engines, progress);
    }

    public ProvisionResult plan() {
        return provisioner.plan();
    }

    public synchronized ProvisionResult apply() {
        lastApply = provisioner.apply();
        return lastApply;
    }

    /**
     * Applies a changed topology of the same environment (a pull request's infrastructure change), as
     * the team's infrastructure pipeline would: what differs is updated in place, and from now on this
     * is the environment's topology. A service's image stays the one its pipeline deployed.
     *
     * @throws IllegalArgumentException if the change is another project or environment (other AWS names)
     */
    public synchronized ProvisionResult apply(Topology changed) {
        if (!changed.naming().prefix().equals(topology.naming().prefix())) {
            throw new IllegalArgumentException("cannot apply " + changed.naming().prefix() + " to the environment " + topology.naming().prefix()
                    + ": a change must keep the project and the environment");
        }
        Provisioner next = new Provisioner(changed, aws, engines, outputs, progress);
        topology = changed;
        provisioner = next;
        applied.add(next);
        lastApply = next.apply();
        return lastApply;
    }

    /** Destroys what every applied topology created, newest first. */
    public synchronized ProvisionResult destroy() {
        ProvisionResult result = null;
        RuntimeException failure = null;
        for (int i = applied.size() - 1; i >= 0; i--) {
            try {
                ProvisionResult r = applied.get(i).destroy();
                result = result == null ? r : result;
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    public ProvisionResult lastApply() {
        return lastApply;
    }

    public String name() {
        return topology.environment();
    }

    public Topology topology() {
        return topology;
    }

    public Engines engines() {
        return engines;
    }

    /** Real SDK clients against the AWS engine, for reading records back or driving the environment. */
    public AwsClients aws() {
        return aws;
    }

    public Outputs outputs() {
        return outputs;
    }

    public URI awsEndpoint() {
        return engines.aws().endpoint();
    }

    public String region() {
        return topology.region();
    }

    /** The real database behind an RDS instance: address, role and password from its secret. */
    public DatabaseSecret database(String rdsName) {
        String secret = topology.rds().get(rdsName) == null ? null : topology.rds().get(rdsName).credentialsSecret();
        if (secret == null) {
            throw new NoSuchElementException("No RDS instance '" + rdsName + "' in " + topology.rds().keySet());
        }
        return DatabaseSecret.parse(secretValue(secret));
    }

    /** redis://host:port/db of the real Redis behind an ElastiCache cluster. */
    public String redisUrl(String cacheName) {
        return require("cache", cacheName);
    }

    public String bucket(String name) {
        return require("bucket", name);
    }

    public String secretArn(String name) {
        return require("secret", name);
    }

    /** The AWSCURRENT value of a topology secret (always a named stage: see DESIGN.md on moto). */
    public String secretValue(String name) {
        return aws.secrets().getSecretValue(r -> r.secretId(secretArn(name)).versionStage("AWSCURRENT")).secretString();
    }

    private String require(String kind, String name) {
        return outputs.get(kind, name).orElseThrow(() -> new NoSuchElementException(
                "No " + kind + " '" + name + "' in environment " + name() + " (known: " + outputs.asMap().keySet() + ")"));
    }

    @Override
    public void close() {
        aws.close();
    }
}
