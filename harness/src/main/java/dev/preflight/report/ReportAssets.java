package dev.preflight.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The scripts and style the pages load from {@code assets/}: Chart.js and its annotation plugin,
 * copied from their webjars on the classpath so a report opens offline, and the report's own
 * script and stylesheet. Webjar versions are read from the jars, so a version bump in the pom needs
 * no change here.
 */
final class ReportAssets {
    static final String DIR = "assets";
    static final String CHART_JS = "chart.umd.js";
    static final String ANNOTATION_JS = "chartjs-plugin-annotation.min.js";
    static final String REPORT_JS = "preflight-report.js";
    static final String REPORT_CSS = "preflight-report.css";

    private record Asset(String fileName, String resource, String missingHint) {
    }

    private ReportAssets() {
    }

    /** Copies every asset that is missing or differs; call under the folder's lock. */
    static void copyInto(Path reportDir) throws IOException {
        Path dir = Files.createDirectories(reportDir.resolve(DIR));
        for (Asset asset : assets()) {
            byte[] content = read(asset);
            Path target = dir.resolve(asset.fileName());
            if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), content)) {
                ReportFiles.writeAtomically(target, content);
            }
        }
    }

    private static List<Asset> assets() {
        String chart = "META-INF/resources/webjars/chart.js/" + webjarVersion("chart.js") + "/dist/chart.umd.js";
        String annotation = "META-INF/resources/webjars/chartjs-plugin-annotation/"
                + webjarVersion("chartjs-plugin-annotation") + "/dist/chartjs-plugin-annotation.min.js";
        return List.of(
                new Asset(CHART_JS, chart, "add org.webjars.npm:chart.js to the harness dependencies"),
                new Asset(ANNOTATION_JS, annotation,
                        "add org.webjars.npm:chartjs-plugin-annotation to the harness dependencies"),
                new Asset(REPORT_JS, "dev/preflight/report/" + REPORT_JS, "the harness jar is incomplete"),
                new Asset(REPORT_CSS, "dev/preflight/report/" + REPORT_CSS, "the harness jar is incomplete"));
    }

    private static String webjarVersion(String artifact) {
        String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = loader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The webjar org.webjars.npm:" + artifact + " is not on the classpath ("
                        + resource + " not found): add it to the harness dependencies");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("Could not read " + resource + ": " + e, e);
        }
    }

    private static byte[] read(Asset asset) throws IOException {
        try (InputStream in = loader().getResourceAsStream(asset.resource())) {
            if (in == null) {
                throw new IllegalStateException("Report asset " + asset.resource() + " is not on the classpath: "
                        + asset.missingHint());
            }
            return in.readAllBytes();
        }
    }

    private static ClassLoader loader() {
        return ReportAssets.class.getClassLoader();
    }
}
