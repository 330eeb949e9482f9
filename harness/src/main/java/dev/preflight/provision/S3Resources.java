package dev.preflight.provision;

import dev.preflight.topology.Bucket;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** S3 buckets with versioning, default encryption and the public access block. */
final class S3Resources implements ResourceKind {

    @Override
    public String title() {
        return "s3";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        S3Client s3 = ctx.aws().s3();
        ctx.topology().s3().forEach((name, bucket) -> {
            String awsName = ctx.naming().bucket(name);
            if (!exists(s3, awsName)) {
                ctx.create("bucket " + awsName, () -> {
                    s3.createBucket(r -> r.bucket(awsName).createBucketConfiguration(c -> c.locationConstraint(
                            BucketLocationConstraint.fromValue(ctx.region()))));
                    s3.putBucketTagging(r -> r.bucket(awsName).tagging(t -> t.tagSet(ctx.tags(awsName).entrySet().stream()
                            .map(e -> software.amazon.awssdk.services.s3.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                            .toList())));
                    configure(s3, awsName, bucket, List.of("versioning", "encryption", "public access block"));
                    ctx.outputs().put("bucket", name, awsName);
                });
                return;
            }
            ctx.outputs().put("bucket", name, awsName);
            List<String> differences = differences(s3, awsName, bucket);
            if (differences.isEmpty()) {
                ctx.unchanged("bucket " + awsName);
            } else {
                ctx.update("bucket " + awsName, String.join(", ", differences), () -> configure(s3, awsName, bucket, differences));
            }
        });
    }

    private static void configure(S3Client s3, String name, Bucket bucket, List<String> what) {
        if (what.contains("versioning")) {
            s3.putBucketVersioning(r -> r.bucket(name).versioningConfiguration(v -> v.status(
                    bucket.versioning() ? BucketVersioningStatus.ENABLED : BucketVersioningStatus.SUSPENDED)));
        }
        if (what.contains("encryption")) {
            s3.putBucketEncryption(r -> r.bucket(name).serverSideEncryptionConfiguration(c -> c.rules(rule ->
                    rule.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.fromValue(bucket.encryption()))))));
        }
        if (what.contains("public access block")) {
            boolean block = bucket.blockPublicAccess();
            s3.putPublicAccessBlock(r -> r.bucket(name).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(block).ignorePublicAcls(block).blockPublicPolicy(block).restrictPublicBuckets(block)));
        }
    }

    private static List<String> differences(S3Client s3, String name, Bucket bucket) {
        List<String> differences = new ArrayList<>();
        String versioning = s3.getBucketVersioning(r -> r.bucket(name)).statusAsString();
        boolean versioned = "Enabled".equals(versioning);
        if (versioned != bucket.versioning()) {
            differences.add("versioning");
        }
        String algorithm;
        try {
            algorithm = s3.getBucketEncryption(r -> r.bucket(name)).serverSideEncryptionConfiguration().rules().get(0)
                    .applyServerSideEncryptionByDefault().sseAlgorithmAsString();
        } catch (S3Exception e) {
            algorithm = null;
        }
        if (!bucket.encryption().equals(algorithm)) {
            differences.add("encryption");
        }
        boolean blocked;
        try {
            var c = s3.getPublicAccessBlock(r -> r.bucket(name)).publicAccessBlockConfiguration();
            blocked = c.blockPublicAcls() && c.ignorePublicAcls() && c.blockPublicPolicy() && c.restrictPublicBuckets();
        } catch (S3Exception e) {
            blocked = false;
        }
        if (blocked != bucket.blockPublicAccess()) {
            differences.add("public access block");
        }
        return differences;
    }

    static boolean exists(S3Client s3, String name) {
        try {
            s3.headBucket(r -> r.bucket(name));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        S3Client s3 = ctx.aws().s3();
        ctx.topology().s3().keySet().forEach(name -> {
            String awsName = ctx.naming().bucket(name);
            if (exists(s3, awsName)) {
                ctx.delete("bucket " + awsName, () -> {
                    emptyBucket(s3, awsName);
                    s3.deleteBucket(r -> r.bucket(awsName));
                });
            }
            ctx.outputs().remove("bucket", name);
        });
    }

    /** A versioned bucket keeps every version and delete marker: all must go before the bucket can. */
    private static void emptyBucket(S3Client s3, String name) {
        s3.listObjectVersionsPaginator(r -> r.bucket(name)).forEach(page -> {
            List<ObjectIdentifier> ids = new ArrayList<>();
            page.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
            page.deleteMarkers().forEach(m -> ids.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
            if (!ids.isEmpty()) {
                s3.deleteObjects(r -> r.bucket(name).delete(d -> d.objects(ids)));
            }
        });
    }
}
