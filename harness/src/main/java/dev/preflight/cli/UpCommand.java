package dev.preflight.cli;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.RuntimeOptions;
import dev.preflight.engine.EngineKind;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.Engines;
import dev.preflight.environment.DeclaredEngineVersions;
import dev.preflight.environment.Environment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.ScalingOptions;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.Topology;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code preflight up}: the engines, one environment provisioned, its data plane running (every
 * service's image deployed at its desired count behind the load balancer, the autoscaler on), the
 * service events printed as they happen, until Ctrl-C. {@code preflight deploy} from a second
 * terminal runs the pipeline in here, through {@link ControlEndpoint}.
 */
@Command(name = "up", description = "Start the engines, provision one environment, run its services behind the load balancer,"
        + " and keep it all running until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--env", defaultValue = "dev", description = "environment to run (default: ${DEFAULT-VALUE})")
    String environment;

    @picocli.CommandLine.Mixin
    TemplateOptions template;

    @Option(names = "--topology", description = "topology folder, CloudFormation template or cdk.out (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Option(names = "--version", defaultValue = "v1", description = "version of each service's first deploy (default: ${DEFAULT-VALUE})")
    String version;

    @Override
    public Integer call() throws Exception {
        template.apply();
        PrintStream out = System.out;
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        Topology model = RunningEnvironment.of(environment).withTopologyDir(PreflightCli.topologyDir(topology)).topology();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        // Ctrl-C: the JVM halts once its shutdown hooks end, so this one waits until the main thread
        // has stopped the tasks, destroyed the environment and stopped the engines.
        Thread hook = new Thread(() -> {
            out.println("preflight: stopping " + environment + ", its tasks and its engines");
            out.flush();
            stopped.countDown();
            try {
                cleanedUp.await(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "preflight-up-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(out, jvmStart, model, stopped);
        } finally {
            out.println("preflight: stopped");
            out.flush();
            cleanedUp.countDown();
        }
    }

    private int run(PrintStream out, long jvmStart, Topology model, CountDownLatch stopped) throws Exception {
        long t0 = System.currentTimeMillis();
        try (Engines engines = Engines.create(EngineSettings.fromSystem(), DeclaredEngineVersions.of(model)).start().closedByCaller()) {
            engines.describe().forEach(line -> out.println("  engine " + line));
            long t1 = System.currentTimeMillis();
            Environment provisioned = Environment.provision(model, engines, out);
            try (RunningEnvironment env = RunningEnvironment.on(provisioned, RuntimeOptions.defaults())) {
                long t2 = System.currentTimeMillis();
                printEvents(out, env);
                deployAll(out, env, model);
                try (Autoscaler autoscaler = Autoscaler.start(env.runtime(), ScalingOptions.defaults());
                     ControlEndpoint control = ControlEndpoint.start(env)) {
                    long t3 = System.currentTimeMillis();
                    printAccess(out, env);
                    out.printf("%nReady in %.1f s from the JVM's start: JVM %.1f s, engines %.1f s, provisioning %.1f s, first deploys %.1f s.%n",
                            (t3 - jvmStart) / 1000.0, (t0 - jvmStart) / 1000.0, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0, (t3 - t2) / 1000.0);
                    out.println("Press Ctrl-C to stop; everything started is stopped and removed.");
                    stopped.await();
                }
            } finally {
                // Embedded and container engines take everything with them (their own libraries stop them on
                // Ctrl-C too); an external engine outlives the run, so what was provisioned on it is destroyed.
                if (engines.kind() == EngineKind.EXTERNAL) {
                    provisioned.destroy();
                }
                provisioned.close();
            }
        }
        return 0;
    }

    /** Every service's events, as ECS words them, as they happen. */
    private static void printEvents(PrintStream out, RunningEnvironment env) {
        for (ServiceScheduler service : env.runtime().services()) {
            service.addListener(e -> out.println("  [" + service.name() + "] " + e.message()));
        }
    }

    /** Each service's image deployed at its desired count, side by side. */
    private void deployAll(PrintStream out, RunningEnvironment env, Topology model) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(model.ecs().services().size());
        try {
            List<Future<DeployResult>> deploys = new ArrayList<>();
            for (String service : model.ecs().services().keySet()) {
                deploys.add(pool.submit(() -> env.pipeline().deploy(service, version)));
            }
            for (Future<DeployResult> deploy : deploys) {
                DeployResult result = deploy.get();
                out.println("preflight: " + result);
                if (!result.succeeded()) {
                    throw new IllegalStateException("the first deploy of " + result.service() + " failed: " + result.reason());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void printAccess(PrintStream out, RunningEnvironment running) {
        Environment env = running.environment();
        Topology topology = env.topology();
        out.println();
        out.println("Environment " + topology.naming().prefix() + " is up. Use it from another terminal:");
        LoadBalancer lb = topology.loadBalancer();
        if (lb != null) {
            String url = running.loadBalancer().toString();
            out.println();
            out.println("  Load balancer " + lb.name() + " at " + url);
            for (LoadBalancer.ListenerRule rule : lb.listener().rules()) {
                for (String path : rule.pathPatterns()) {
                    out.println("    curl " + url + example(path) + "   # rule " + rule.priority() + " -> " + rule.targetGroup());
                }
                for (String host : rule.hostHeaders()) {
                    out.println("    curl -H 'Host: " + example(host) + "' " + url + "/   # rule " + rule.priority() + " -> " + rule.targetGroup());
                }
            }
            out.println("    curl " + url + "/   # default -> " + lb.listener().defaultTargetGroup());
        }
        out.println();
        out.println("  export AWS_ENDPOINT_URL=" + running.awsEndpoint() + "   # Preflight's front: ECS and ELB answers from what runs");
        out.println("  export AWS_REGION=" + env.region() + " AWS_DEFAULT_REGION=" + env.region());
        out.println("  export AWS_ACCESS_KEY_ID=" + env.aws().accessKeyId() + " AWS_SECRET_ACCESS_KEY=" + env.aws().secretAccessKey());
        String cluster = topology.naming().of(topology.ecs().cluster());
        out.println("  aws ecs list-services --cluster " + cluster);
        String first = topology.ecs().services().keySet().iterator().next();
        out.println("  aws ecs update-service --cluster " + cluster + " --service " + topology.naming().of(first) + " --force-new-deployment");
        out.println("  aws ecs wait services-stable --cluster " + cluster + " --services " + topology.naming().of(first));
        out.println("  make deploy ENV=" + topology.environment() + " SERVICE=" + first + " VERSION=v2   # build, push and roll out a new version");
        for (Map.Entry<String, ?> rds : topology.rds().entrySet()) {
            DatabaseSecret db = env.database(rds.getKey());
            out.println();
            out.println("  RDS " + rds.getKey() + " is PostgreSQL at " + db.host() + ":" + db.port() + ", database " + db.dbname()
                    + ", role " + db.username() + " (password in secret " + env.secretArn(topology.rds().get(rds.getKey()).credentialsSecret()) + ")");
            out.println("    psql postgresql://" + env.engines().postgres().superuser() + "@" + db.host() + ":" + db.port() + "/" + db.dbname()
                    + "   # superuser, trusted on loopback (embedded engine)");
        }
        topology.elasticache().keySet().forEach(name ->
                out.println("\n  ElastiCache " + name + " is Redis at " + env.redisUrl(name) + "\n    redis-cli -u " + env.redisUrl(name)));
        topology.s3().keySet().forEach(name -> out.println("\n  S3 " + name + ": aws s3 ls s3://" + env.bucket(name)));
    }

    /** A request that a rule's pattern matches: {@code /api/*} becomes {@code /api/version}, {@code admin.*} admin.example.com. */
    static String example(String pattern) {
        if (pattern.startsWith("/")) {
            return pattern.replace("*", "version").replace("?", "x");
        }
        return pattern.replace("*", "example.com").replace("?", "x");
    }
}
