package dev.preflight.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder's {@code index.html}: every page in the folder, newest first, with its verdict. It is
 * rebuilt from the pages themselves (their {@code preflight-*} meta tags), so pages written by other
 * test classes or earlier runs stay listed. Call under the folder's lock.
 */
final class ReportIndex {
    private static final Pattern META = Pattern.compile("<meta name=\"preflight-([a-z]+)\" content=\"([^\"]*)\">");
    /** The meta tags sit at the top of the head; a page is not read further than this. */
    private static final int HEAD_LINES = 40;

    record Entry(String file, String title, String verdict, String summary, Instant written) {
    }

    private ReportIndex() {
    }

    static void rewrite(Path dir) throws IOException {
        List<Entry> entries = entries(dir);
        long passed = entries.stream().filter(e -> ScenarioPage.PASSED.equals(e.verdict())).count();
        long failed = entries.stream().filter(e -> ScenarioPage.FAILED.equals(e.verdict()) || ScenarioPage.MISSED.equals(e.verdict())).count();
        long caught = entries.stream().filter(e -> ScenarioPage.CAUGHT.equals(e.verdict())).count();
        StringBuilder out = new StringBuilder(4096);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Preflight scenarios</title>\n")
                .append("<link rel=\"stylesheet\" href=\"assets/").append(ReportAssets.REPORT_CSS).append("\">\n")
                .append("</head>\n<body>\n<h1>Preflight scenarios</h1>\n")
                .append("<p class=\"meta\">").append(entries.size()).append(" scenarios: ").append(passed)
                .append(" passed, ").append(failed).append(" failed, ").append(caught)
                .append(" caught as intended (misconfigured on purpose, and the harness saw the failure). Newest first.</p>\n")
                .append("<table class=\"index\">\n<tr><th>verdict</th><th>scenario</th><th>summary</th><th>written</th></tr>\n");
        for (Entry e : entries) {
            out.append("<tr><td class=\"verdict-cell ").append(cssClass(e.verdict())).append("\">")
                    .append(Html.escape(e.verdict())).append("</td><td><a href=\"").append(Html.escape(e.file()))
                    .append("\">").append(Html.escape(e.title())).append("</a></td><td>").append(Html.escape(e.summary()))
                    .append("</td><td>").append(Html.time(e.written())).append("</td></tr>\n");
        }
        out.append("</table>\n</body>\n</html>\n");
        ReportFiles.writeAtomically(dir.resolve(ScenarioReport.INDEX), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    static List<Entry> entries(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".html") && !name.equals(ScenarioReport.INDEX) && !name.startsWith(".")
                        && Files.isRegularFile(file)) {
                    entries.add(entry(file));
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::written).reversed().thenComparing(Entry::title));
        return entries;
    }

    /** A page we did not write (no meta tags) is still listed, by file name and time. */
    private static Entry entry(Path page) throws IOException {
        Map<String, String> meta = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(page, StandardCharsets.UTF_8)) {
            String line;
            for (int n = 0; n < HEAD_LINES && (line = in.readLine()) != null && !line.contains("</head>"); n++) {
                Matcher m = META.matcher(line);
                if (m.find()) {
                    meta.put(m.group(1), Html.unescape(m.group(2)));
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // not one of ours; list it by name
        }
        String file = page.getFileName().toString();
        return new Entry(file, meta.getOrDefault("title", file), meta.getOrDefault("verdict", ScenarioPage.NO_VERDICT),
                meta.getOrDefault("summary", ""), written(meta.get("written"), page));
    }

    private static Instant written(String value, Path page) throws IOException {
        if (value != null) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                // fall back to the file's time
            }
        }
        return Files.getLastModifiedTime(page).toInstant();
    }

    private static String cssClass(String verdict) {
        return ScenarioPage.cssClass(verdict);
    }
}
