package dev.preflight.cli;

import dev.preflight.engine.Engines;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyException;
import dev.preflight.topology.TopologyLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The small command line behind {@code make up} and {@code make down}. */
@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = "Test an AWS application environment on one machine.",
        subcommands = {PreflightCli.Up.class, PreflightCli.Validate.class, PreflightCli.Down.class})
public final class PreflightCli {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new PreflightCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Topology and engine errors already say what to do: print them without a stack trace.
            commandLine.getErr().println("preflight: " + e.getMessage());
            return e instanceof TopologyException ? 2 : 1;
        });
        System.exit(cli.execute(args));
    }

    static Path topologyDir(Path given) {
        return given != null ? given : TopologyLocator.topologyDir();
    }

    @Command(name = "up", description = "Start the engines, provision one environment and keep it running until Ctrl-C.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--env", defaultValue = "dev", description = "environment to provision (default: ${DEFAULT-VALUE})")
        String environment;

        @Option(names = "--topology", description = "topology folder (default: fixtures/topology)")
        Path topology;

        @Override
        public Integer call() throws InterruptedException {
            Topology model = new TopologyLoader().load(topologyDir(topology), environment);
            PrintStream out = System.out;
            Engines engines = Engines.create(EngineSettings.fromSystem());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("preflight: stopping " + environment + " and its engines");
                stopped.countDown();
            }));
            engines.start();
            engines.describe().forEach(line -> out.println("  engine " + line));
            Environment env = Environment.provision(model, engines, out);
            printAccess(out, env);
            stopped.await();
            return 0;
        }

        private static void printAccess(PrintStream out, Environment env) {
            out.println();
            out.println("Environment " + env.name() + " is up. Use it from another terminal:");
            out.println();
            out.println("  export AWS_ENDPOINT_URL=" + env.awsEndpoint());
            out.println("  export AWS_REGION=" + env.region() + " AWS_DEFAULT_REGION=" + env.region());
            out.println("  export AWS_ACCESS_KEY_ID=" + env.aws().accessKeyId() + " AWS_SECRET_ACCESS_KEY=" + env.aws().secretAccessKey());
            out.println("  aws ecs list-services --cluster " + env.topology().naming().of(env.topology().ecs().cluster()));
            env.topology().rds().keySet().forEach(name -> {
                DatabaseSecret db = env.database(name);
                out.println();
                out.println("  RDS " + name + " is PostgreSQL at " + db.host() + ":" + db.port() + ", database " + db.dbname()
                        + ", role " + db.username() + " (password in secret " + env.secretArn(env.topology().rds().get(name).credentialsSecret()) + ")");
                out.println("    psql postgresql://" + env.engines().postgres().superuser() + "@" + db.host() + ":" + db.port() + "/" + db.dbname()
                        + "   # superuser, trusted on loopback (embedded engine)");
            });
            env.topology().elasticache().keySet().forEach(name ->
                    out.println("\n  ElastiCache " + name + " is Redis at " + env.redisUrl(name) + "\n    redis-cli -u " + env.redisUrl(name)));
            env.topology().s3().keySet().forEach(name -> out.println("\n  S3 " + name + ": aws s3 ls s3://" + env.bucket(name)));
            out.println();
            out.println("Press Ctrl-C to stop; everything started is stopped and removed.");
        }
    }

    @Command(name = "validate", description = "Validate the topology of one or every environment; creates nothing.")
    static final class Validate implements Callable<Integer> {
        @Option(names = "--env", description = "environment (default: all)")
        String environment;

        @Option(names = "--topology", description = "topology folder (default: fixtures/topology)")
        Path topology;

        @Override
        public Integer call() {
            Path dir = topologyDir(topology);
            List<String> names = environment != null ? List.of(environment) : TopologyLoader.environments(dir);
            for (String name : names) {
                new TopologyLoader().load(dir, name);
                System.out.println("preflight: " + name + " is valid");
            }
            return 0;
        }
    }

    @Command(name = "down", description = "Stop processes and remove folders left by runs that were killed.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            int stopped = ProcessLedger.standard().reapOrphans();
            System.out.println("preflight: stopped " + stopped + " process(es) left by earlier runs");
            return 0;
        }
    }
}
