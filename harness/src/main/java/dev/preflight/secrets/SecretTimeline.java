package dev.preflight.secrets;

import dev.preflight.environment.Environment;
import dev.preflight.report.Sample;
import dev.preflight.report.ScenarioReport;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Samples the versions of secrets and their stages while a scenario runs (ListSecretVersionIds,
 * never a value), and hears each rotation step. On a scenario report it draws, per secret, which
 * version holds AWSCURRENT, AWSPREVIOUS and AWSPENDING over time (versions numbered #1, #2, ... in
 * order of creation; 0 is none), marks every rotation step as an event, and lists each version id
 * with its stages over time.
 *
 * <pre>{@code
 * try (SecretTimeline secrets = SecretTimeline.record(env, "db-credentials")) {
 *     SecretRotation.of(env).withListener(secrets).rotate("db-credentials", Strategy.SINGLE_USER);
 *     secrets.addTo(report);
 * }
 * }</pre>
 */
public final class SecretTimeline implements RotationListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecretTimeline.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final List<String> STAGES = List.of(SecretVersion.CURRENT, SecretVersion.PREVIOUS, SecretVersion.PENDING);

    private record Point(Instant at, List<SecretVersion> versions) {
    }

    private record StepEvent(Instant at, String label, String detail) {
    }

    /** One watched secret: its samples and its version numbers in order of first sight. */
    private static final class Watched {
        final String label;
        final String secretId;
        final List<Point> points = new ArrayList<>();
        final Map<String, Integer> numbers = new LinkedHashMap<>();
        String arn;

        Watched(String label, String secretId) {
            this.label = label;
            this.secretId = secretId;
        }

        int number(String versionId) {
            return numbers.computeIfAbsent(versionId, v -> numbers.size() + 1);
        }
    }

    private final SecretsManagerClient secrets;
    private final List<Watched> watched = new ArrayList<>();
    private final List<StepEvent> steps = new ArrayList<>();
    private final ScheduledExecutorService sampler;
    private final Duration every;

    private SecretTimeline(SecretsManagerClient secrets, Map<String, String> labelToId, Duration every) {
        this.secrets = secrets;
        this.every = every;
        labelToId.forEach((label, id) -> watched.add(new Watched(label, id)));
        sampleNow();
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "preflight-secret-timeline");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sampleNow, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Watches topology secrets of an environment by name ("db-credentials"), sampling every 200 ms. */
    public static SecretTimeline record(Environment env, String... secretNames) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String name : secretNames) {
            ids.put(env.topology().naming().secret(name), env.secretArn(name));
        }
        return new SecretTimeline(env.aws().secrets(), ids, Duration.ofMillis(200));
    }

    /** Watches secrets by id (name or ARN), each shown under its label. */
    public static SecretTimeline record(SecretsManagerClient secrets, Map<String, String> labelToId, Duration every) {
        return new SecretTimeline(secrets, labelToId, every);
    }

    /** Samples every watched secret now (also done after each rotation step, so short-lived stages show). */
    public void sampleNow() {
        Instant at = Instant.now();
        for (Watched w : watched) {
            try {
                List<SecretVersion> versions = SecretVersion.list(secrets, w.secretId);
                synchronized (this) {
                    versions.forEach(v -> w.number(v.versionId()));
                    w.points.add(new Point(at, versions));
                }
            } catch (SdkException e) {
                LOG.debug("Cannot list the versions of {}: {}", w.secretId, e.getMessage());
            }
        }
    }

    @Override
    public void stepEnded(String secretArn, String versionId, RotationResult.StepOutcome outcome) {
        sampleNow();
        String label = watched.stream().filter(w -> Objects.equals(resolveArn(w), secretArn)).map(w -> w.label)
                .findFirst().orElse(secretArn);
        String number;
        synchronized (this) {
            number = watched.stream().filter(w -> Objects.equals(w.arn, secretArn))
                    .map(w -> "#" + w.number(versionId)).findFirst().orElse(shortId(versionId));
            steps.add(new StepEvent(outcome.endedAt(), outcome.step() + (outcome.ok() ? "" : " FAILED") + " (" + number + ")",
                    label + " " + outcome));
        }
    }

    private String resolveArn(Watched w) {
        if (w.arn == null) {
            try {
                String arn = secrets.describeSecret(r -> r.secretId(w.secretId)).arn();
                synchronized (this) {
                    w.arn = arn;
                }
            } catch (SdkException e) {
                return null;
            }
        }
        return w.arn;
    }

    /** The rotation steps heard so far, one line each. */
    public synchronized List<String> stepLines() {
        return steps.stream().map(s -> CLOCK.format(s.at()) + " " + s.detail()).toList();
    }

    /**
     * Adds, per secret, the chart "secret &lt;name&gt;: version holding each stage", the rotation steps as
     * events, and a section listing every version id with its stages over time.
     */
    public ScenarioReport addTo(ScenarioReport report) {
        sampleNow();
        synchronized (this) {
            for (Watched w : watched) {
                String chart = "secret " + w.label + ": version # holding each stage (0 = none)";
                for (String stage : STAGES) {
                    List<Sample> samples = new ArrayList<>();
                    for (Point p : w.points) {
                        int holder = p.versions().stream().filter(v -> v.has(stage)).map(v -> w.number(v.versionId()))
                                .findFirst().orElse(0);
                        samples.add(new Sample(p.at(), holder));
                    }
                    report.series(chart, stage, samples);
                }
                report.section("Versions of secret " + w.label + " and their stages over time", versionsText(w, every));
            }
            for (StepEvent s : steps) {
                report.event(s.at(), s.label());
            }
            if (!steps.isEmpty()) {
                report.section("Rotation steps", String.join("\n", steps.stream().map(s -> CLOCK.format(s.at()) + " " + s.detail())
                        .toList()));
            }
        }
        return report;
    }

    /** "#2 5f1c...: 12:00:01.200 AWSPENDING; 12:00:01.450 AWSCURRENT" for each version. */
    private static String versionsText(Watched w, Duration every) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Integer> version : w.numbers.entrySet()) {
            text.append('#').append(version.getValue()).append(' ').append(version.getKey()).append(':');
            String last = null;
            for (Point p : w.points) {
                String stages = p.versions().stream().filter(v -> v.versionId().equals(version.getKey()))
                        .map(v -> v.stages().isEmpty() ? "(no stage)" : String.join(",", v.stages())).findFirst().orElse("(absent)");
                if (!stages.equals(last)) {
                    text.append(last == null ? " " : "; ").append(CLOCK.format(p.at())).append(' ').append(stages);
                    last = stages;
                }
            }
            text.append('\n');
        }
        text.append("(times UTC; sampled every ").append(every.toMillis()).append(" ms and after each rotation step)");
        return text.toString();
    }

    private static String shortId(String versionId) {
        return versionId.length() > 8 ? versionId.substring(0, 8) : versionId;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
