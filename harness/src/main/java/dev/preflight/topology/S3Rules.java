package dev.preflight.topology;

import java.util.List;
import java.util.Map;

/** The validation rules of S3 buckets: names and their settings. */
final class S3Rules extends ValidationRules {
    S3Rules(ValidationRules context) {
        super(context);
    }

    void s3() {
        for (Map.Entry<String, Bucket> entry : present(topology.s3(), "s3")) {
            String path = "s3." + entry.getKey();
            name(path, entry.getKey(), "bucket");
            oneOf(path + ".encryption", entry.getValue().encryption(), List.of("AES256", "aws:kms"), "encryption");
            String bucket = topology.naming().bucket(entry.getKey());
            if (bucket.length() < 3 || bucket.length() > 63) {
                problem(path, "the bucket name '" + bucket + "' has " + bucket.length()
                                + " characters; S3 allows 3 to 63",
                        "shorten the bucket's key (the name is <project>-<environment>-<key>)");
            } else if (!bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]") || bucket.contains("..")
                    || bucket.startsWith("xn--") || bucket.endsWith("-s3alias")) {
                problem(path, "'" + bucket + "' is not a valid S3 bucket name",
                        "use lowercase letters, digits and hyphens in the bucket's key");
            }
        }
    }
}
