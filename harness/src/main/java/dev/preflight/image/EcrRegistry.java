package dev.preflight.image;

import dev.preflight.aws.AwsClients;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.BatchGetImageResponse;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageDigestDoesNotMatchException;
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.PutImageResponse;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * "docker push" and "docker pull" through the real ECR API: a push records the manifest under a
 * tag with PutImage (the layers stay in the local {@link ImageStore}; moto implements no layer
 * upload, and PutImage alone is what ECR needs to know the image); a pull resolves a task
 * definition's image URI by BatchGetImage to a digest, and the digest to the stored image.
 *
 * <p>PutImage always passes the manifest's digest: ECR then checks it (ImageDigestDoesNotMatch),
 * and moto, which otherwise makes one up from the layer digests only, records the real one.
 */
public final class EcrRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(EcrRegistry.class);
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final List<String> ACCEPTED_MEDIA_TYPES = List.of(ImageManifest.MEDIA_TYPE, ImageManifest.DOCKER_MEDIA_TYPE);

    private final AwsClients aws;
    private final EcrClient ecr;
    private final ImageStore store;

    public EcrRegistry(AwsClients aws, ImageStore store) {
        this.aws = aws;
        this.ecr = aws.ecr();
        this.store = store;
    }

    /**
     * Records the image under repository:tag. The same image under the same tag again is a no-op
     * ({@code alreadyPresent}); another image under an existing tag moves the tag in a MUTABLE
     * repository and fails with {@link ImageTagAlreadyExistsException} in an IMMUTABLE one.
     */
    public PushResult push(String repositoryName, String tag, Image image) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("Cannot push to " + repositoryName + ": tag '" + tag
                    + "' is not a valid image tag (letters, digits, _ . -, up to 128, not starting with . or -)");
        }
        store.put(image); // so that whatever is pushed in this run can be pulled in this run
        Repository repo = repository(repositoryName);
        String uri = repo.repositoryUri() + ":" + tag;
        // As docker push asks first: an unchanged tag costs no state-changing call.
        Optional<String> current = digestOfTag(repo, tag);
        if (current.filter(image.digest()::equals).isPresent()) {
            return new PushResult(uri, image.digest(), true);
        }
        // Moving a tag: AWS keeps the image it named, untagged; moto 5.2.1 deletes it if that was its last tag.
        Optional<software.amazon.awssdk.services.ecr.model.Image> previous = current.flatMap(digest -> imageByDigest(repo, digest));
        PutImageResponse response;
        try {
            response = ecr.putImage(r -> r.registryId(repo.registryId()).repositoryName(repositoryName)
                    .imageManifest(image.manifest()).imageManifestMediaType(image.manifestMediaType())
                    .imageTag(tag).imageDigest(image.digest()));
        } catch (ImageAlreadyExistsException | software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException e) {
            // AWS: ImageAlreadyExists = same manifest and tag; ImageTagAlreadyExists = immutable tag taken.
            // moto answers ImageAlreadyExists for both, so decide by what the tag names now.
            Optional<String> now = digestOfTag(repo, tag);
            if (now.filter(image.digest()::equals).isPresent()) {
                return new PushResult(uri, image.digest(), true);
            }
            throw new ImageTagAlreadyExistsException(repositoryName, tag, now.orElse("(unknown)"), image.digest(),
                    e.awsErrorDetails().errorCode(), e);
        } catch (ImageDigestDoesNotMatchException e) {
            throw new EcrRegistryException(EcrRegistryException.Reason.DIGEST_MISMATCH, "ECR rejected " + uri
                    + ": the digest " + image.digest() + " does not match its manifest (" + e.awsErrorDetails().errorMessage()
                    + "). Fix: build images with ImageBuilder, which computes the digest from the manifest", e);
        } catch (EcrException e) {
            throw ecrError("push " + uri, e);
        }
        String recorded = response.image().imageId().imageDigest();
        if (!image.digest().equals(recorded)) {
            throw new EcrRegistryException(EcrRegistryException.Reason.DIGEST_MISMATCH, "ECR recorded " + uri + " as "
                    + recorded + " but the manifest's sha256 is " + image.digest()
                    + ": the engine computes digests its own way, so tasks could not be pinned by digest", null);
        }
        previous.ifPresent(old -> keepUntagged(repo, old));
        LOG.debug("Pushed {} ({})", uri, image.digest());
        return new PushResult(uri, recorded, false);
    }

    /** Restores an image the engine dropped when its last tag moved, as ECR keeps it: untagged, pullable by digest. */
    private void keepUntagged(Repository repo, software.amazon.awssdk.services.ecr.model.Image old) {
        String digest = old.imageId().imageDigest();
        if (imageByDigest(repo, digest).isPresent()) {
            return; // AWS's behaviour: nothing to do
        }
        try {
            ecr.putImage(r -> r.registryId(repo.registryId()).repositoryName(repo.repositoryName())
                    .imageManifest(old.imageManifest()).imageManifestMediaType(old.imageManifestMediaType()).imageDigest(digest));
            LOG.debug("Re-recorded {} untagged in {}: the engine deleted it when its tag moved", digest, repo.repositoryName());
        } catch (EcrException e) {
            LOG.warn("Image {} of {} lost its last tag and the engine deleted it; tasks pinned to it cannot start: {}",
                    digest, repo.repositoryName(), e.awsErrorDetails().errorMessage());
        }
    }

    private Optional<software.amazon.awssdk.services.ecr.model.Image> imageByDigest(Repository repo, String digest) {
        try {
            return ecr.batchGetImage(r -> r.registryId(repo.registryId()).repositoryName(repo.repositoryName())
                    .imageIds(ImageIdentifier.builder().imageDigest(digest).build()).acceptedMediaTypes(ACCEPTED_MEDIA_TYPES))
                    .images().stream().findFirst();
        } catch (EcrException e) {
            throw ecrError("read image " + repo.repositoryName() + "@" + digest, e);
        }
    }

    /**
     * The image a task definition names, as ECS pulls it: tag (or digest) to digest through ECR,
     * digest to its layers through the local store.
     */
    public Image resolve(String imageUri) {
        ImageReference ref = ImageReference.parse(imageUri);
        if (!ref.region().equals(aws.region().id())) {
            throw new EcrRegistryException(EcrRegistryException.Reason.INVALID_URI, "Image " + imageUri + " is in region "
                    + ref.region() + " but this environment's ECR is in " + aws.region().id()
                    + ". Fix: name the repository URI of this environment's region", null);
        }
        ImageIdentifier id = ref.byDigest() ? ImageIdentifier.builder().imageDigest(ref.digest()).build()
                : ImageIdentifier.builder().imageTag(ref.tag()).build();
        BatchGetImageResponse response;
        try {
            response = ecr.batchGetImage(r -> r.registryId(ref.registryId()).repositoryName(ref.repository())
                    .imageIds(id).acceptedMediaTypes(ACCEPTED_MEDIA_TYPES));
        } catch (RepositoryNotFoundException e) {
            throw repositoryNotFound(ref.repository(), e);
        } catch (EcrException e) {
            throw ecrError("pull " + imageUri, e);
        }
        if (response.images().isEmpty()) {
            String failure = response.failures().stream().findFirst()
                    .map(ImageFailure::failureCodeAsString).orElse("ImageNotFound");
            throw new EcrRegistryException(EcrRegistryException.Reason.IMAGE_NOT_FOUND, "Image " + imageUri + " not found ("
                    + failure + "): repository " + ref.repository() + " has no " + (ref.byDigest() ? "image " + ref.digest() : "tag '" + ref.tag() + "'")
                    + "; it has tags " + tags(ref) + ". Fix: push it first (EcrRegistry.push) or name a pushed tag in the task definition", null);
        }
        var found = response.images().get(0);
        String recorded = found.imageId().imageDigest();
        // The content is the truth: an image pushed without its digest may be recorded under moto's own.
        String digest = Sha256.of(found.imageManifest());
        if (!digest.equals(recorded)) {
            LOG.warn("ECR records {} as {} but its manifest's sha256 is {}; resolving by the manifest", imageUri, recorded, digest);
        }
        return store.get(digest).orElseThrow(() -> new EcrRegistryException(EcrRegistryException.Reason.NOT_IN_LOCAL_STORE,
                "Image " + imageUri + " is " + digest + " in ECR but its layers are not in the local image store " + store.dir()
                        + " (it was pushed by another run or tool; ECR holds only manifests here). Fix: build and push the image"
                        + " in this run with ImageBuilder and EcrRegistry.push", null));
    }

    /** The digest the tag names now, if any. */
    public Optional<String> digestOfTag(String repositoryName, String tag) {
        return digestOfTag(repository(repositoryName), tag);
    }

    private Optional<String> digestOfTag(Repository repo, String tag) {
        try {
            return ecr.describeImages(r -> r.registryId(repo.registryId()).repositoryName(repo.repositoryName())
                            .imageIds(ImageIdentifier.builder().imageTag(tag).build()))
                    .imageDetails().stream().findFirst().map(d -> d.imageDigest());
        } catch (ImageNotFoundException e) {
            return Optional.empty();
        } catch (EcrException e) {
            throw ecrError("read tag " + repo.repositoryName() + ":" + tag, e);
        }
    }

    private Repository repository(String name) {
        try {
            return ecr.describeRepositories(r -> r.repositoryNames(name)).repositories().stream().findFirst()
                    .orElseThrow(() -> repositoryNotFound(name, null));
        } catch (RepositoryNotFoundException e) {
            throw repositoryNotFound(name, e);
        } catch (EcrException e) {
            throw ecrError("describe repository " + name, e);
        }
    }

    private String tags(ImageReference ref) {
        try {
            List<String> tags = ecr.listImagesPaginator(r -> r.registryId(ref.registryId()).repositoryName(ref.repository()))
                    .imageIds().stream().map(ImageIdentifier::imageTag).filter(t -> t != null).sorted().distinct().toList();
            return tags.isEmpty() ? "none" : tags.toString();
        } catch (RuntimeException e) {
            return "(could not list them: " + e.getMessage() + ")";
        }
    }

    private static EcrRegistryException repositoryNotFound(String name, Throwable cause) {
        return new EcrRegistryException(EcrRegistryException.Reason.REPOSITORY_NOT_FOUND, "ECR repository '" + name
                + "' does not exist. Fix: provision the environment first (the topology's ecr.repositories), or name a repository it declares", cause);
    }

    private static EcrRegistryException ecrError(String what, AwsServiceException e) {
        return new EcrRegistryException(EcrRegistryException.Reason.ECR_ERROR, "Cannot " + what + ": ECR answered "
                + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage(), e);
    }
}
