package dev.preflight.secrets;

import dev.preflight.environment.Environment;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret values of this run (this JVM), kept in memory only, for a scan at the end of the run:
 * an environment's secrets and log groups are gone once it is destroyed, so whoever destroys one
 * calls {@link #beforeDestroy(Environment)} first. It collects every version of the environment's
 * secrets and scans the environment's log groups at once, against everything known by then.
 */
public final class RunSecrets {
    private static final Logger LOG = LoggerFactory.getLogger(RunSecrets.class);
    private static SecretValues values = SecretValues.none();
    private static final List<ScanResult> scans = new ArrayList<>();
    private static final List<String> environments = new ArrayList<>();

    private RunSecrets() {
    }

    /**
     * Remembers the environment's secret values and scans its CloudWatch log groups. Never throws:
     * a failure here must not keep the environment from being destroyed (it is logged and recorded).
     */
    public static void beforeDestroy(Environment env) {
        String name = env.topology().naming().prefix();
        try {
            SecretValues collected = SecretValues.collect(env);
            SecretValues known;
            synchronized (RunSecrets.class) {
                values = values.and(collected);
                known = values;
                environments.add(name);
            }
            ScanResult scan = SecretScan.of(known).logGroups(env.aws().logs(), "/ecs/" + name + "/").result();
            synchronized (RunSecrets.class) {
                scans.add(scan);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not collect the secrets of {} for the end-of-run scan: {}", name, e.toString());
            synchronized (RunSecrets.class) {
                scans.add(new ScanResult(List.of(), java.util.Map.of(), 0, 0, 0,
                        List.of("environment " + name + " (secrets not collected: " + e.getClass().getSimpleName() + ")")));
            }
        }
    }

    /** Adds values known some other way (e.g. a secret a test created and deleted itself). */
    public static synchronized void remember(SecretValues more) {
        values = values.and(more);
    }

    public static synchronized SecretValues values() {
        return values;
    }

    /** The log-group scans made before each environment was destroyed. */
    public static synchronized List<ScanResult> earlierScans() {
        return List.copyOf(scans);
    }

    /** The environments remembered so far, by name prefix (shop-dev, cutover-dev, ...). */
    public static synchronized List<String> environments() {
        return List.copyOf(environments);
    }
}
