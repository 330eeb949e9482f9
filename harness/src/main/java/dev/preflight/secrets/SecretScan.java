package dev.preflight.secrets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

/**
 * Looks for secret values where none may be: text, files and folders (task logs, reports, test
 * output), CloudWatch log events, exceptions (message, every cause, the printed stack trace).
 * Reports each find as a {@link SecretLeak} that names the place, the line and the secret, never
 * the value.
 *
 * <pre>{@code
 * ScanResult result = SecretScan.of(SecretValues.collectAll(env.aws().secrets()))
 *         .logGroups(env.aws().logs())
 *         .tree(Path.of("target/preflight-report"))
 *         .throwable("rotation failure", e)
 *         .result();
 * assertThat(result.clean()).as(result.describe()).isTrue();
 * }</pre>
 *
 * Files that look binary (a NUL byte in their first 8 KiB) and files over {@value #MAX_FILE_BYTES}
 * bytes are skipped and listed in the result.
 */
public final class SecretScan {
    public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    private static final int SNIFF_BYTES = 8192;

    private final List<SecretValues.Known> values;
    private final java.util.Set<SecretLeak> leaks = new java.util.LinkedHashSet<>();
    private final Map<String, Long> sources = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private long lines;
    private long bytes;

    private SecretScan(SecretValues values) {
        this.values = values.values();
    }

    public static SecretScan of(SecretValues values) {
        return new SecretScan(values);
    }

    /** A piece of text, e.g. a response body or captured output. */
    public SecretScan text(String source, String text) {
        count("texts");
        if (text != null) {
            long n = 0;
            for (String line : text.split("\n", -1)) {
                line(source, ++n, line);
            }
        }
        return this;
    }

    /**
     * An exception as it would be seen: the message of it and of every cause and suppressed
     * exception, and its printed stack trace.
     */
    public SecretScan throwable(String source, Throwable t) {
        count("exceptions");
        if (t == null) {
            return this;
        }
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> queue = new ArrayList<>(List.of(t));
        while (!queue.isEmpty()) {
            Throwable next = queue.remove(0);
            if (!seen.add(next)) {
                continue;
            }
            line(source + " (" + next.getClass().getName() + " message)", 0, String.valueOf(next.getMessage()));
            line(source + " (" + next.getClass().getName() + " toString)", 0, next.toString());
            if (next.getCause() != null) {
                queue.add(next.getCause());
            }
            queue.addAll(List.of(next.getSuppressed()));
        }
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        long n = 0;
        for (String line : trace.toString().split("\n", -1)) {
            line(source + " (stack trace)", ++n, line);
        }
        return this;
    }

    /** One file (skipped when missing, binary or too large). */
    public SecretScan file(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return this;
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                skipped.add(file + " (" + size + " bytes, over the limit)");
                return this;
            }
            if (looksBinary(file)) {
                skipped.add(file + " (binary)");
                return this;
            }
            count("files");
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
                long n = 0;
                String source = file.toString();
                for (String line; (line = in.readLine()) != null; ) {
                    line(source, ++n, line);
                }
            }
        } catch (NoSuchFileException e) {
            // removed while we looked (a task folder being cleaned up)
        } catch (IOException e) {
            skipped.add(file + " (unreadable: " + e.getMessage() + ")");
        }
        return this;
    }

    /** Every regular file under {@code root} (nothing when it does not exist). */
    public SecretScan tree(Path root) {
        if (!Files.isDirectory(root)) {
            return this;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            skipped.add(root + " (cannot list: " + e.getMessage() + ")");
            return this;
        }
        files.forEach(this::file);
        return this;
    }

    /** Every event of every log group the engine holds (DescribeLogGroups, FilterLogEvents, all pages). */
    public SecretScan logGroups(CloudWatchLogsClient logs) {
        return logGroups(logs, null);
    }

    /** Every event of the log groups whose names start with {@code namePrefix} (null: all). */
    public SecretScan logGroups(CloudWatchLogsClient logs, String namePrefix) {
        String token = null;
        do {
            String next = token;
            DescribeLogGroupsResponse page = logs.describeLogGroups(r -> r.logGroupNamePrefix(namePrefix).nextToken(next));
            for (LogGroup group : page.logGroups()) {
                logGroup(logs, group.logGroupName());
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return this;
    }

    /** Every event of one log group, each line named by its stream. */
    public SecretScan logGroup(CloudWatchLogsClient logs, String group) {
        Map<String, Long> perStream = new LinkedHashMap<>();
        String token = null;
        try {
            do {
                String next = token;
                FilterLogEventsResponse page = logs.filterLogEvents(r -> r.logGroupName(group).nextToken(next));
                for (FilteredLogEvent event : page.events()) {
                    String stream = group + "/" + event.logStreamName();
                    long n = perStream.merge(stream, 1L, Long::sum);
                    line("cloudwatch:" + stream, n, event.message());
                }
                String following = page.nextToken();
                token = following == null || following.isEmpty() || following.equals(next) ? null : following;
            } while (token != null);
        } catch (SdkException e) {
            skipped.add("cloudwatch:" + group + " (cannot read: " + e.getMessage() + ")");
            return this;
        }
        sources.merge("log streams", (long) perStream.size(), Long::sum);
        sources.merge("log groups", 1L, Long::sum);
        return this;
    }

    /** Adds what an earlier scan found and read. */
    public ScanResult result(ScanResult... earlier) {
        ScanResult result = new ScanResult(new ArrayList<>(leaks), sources, lines, bytes, values.size(), skipped);
        for (ScanResult e : earlier) {
            result = result.and(e);
        }
        return result;
    }

    private void line(String source, long number, String text) {
        lines++;
        bytes += text.length();
        for (SecretValues.Known known : values) {
            if (text.contains(known.value())) {
                leaks.add(new SecretLeak(source, number, known.secret(), known.versionId(), known.field()));
            }
        }
    }

    private void count(String kind) {
        sources.merge(kind, 1L, Long::sum);
    }

    private static boolean looksBinary(Path file) throws IOException {
        byte[] head = new byte[SNIFF_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, SNIFF_BYTES);
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
