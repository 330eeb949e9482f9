package dev.preflight.image;

/**
 * AWS's ImageTagAlreadyExistsException: the tag already names another image and the repository's
 * tags are IMMUTABLE. Raised whatever the engine called it (moto 5.2.1 says
 * ImageAlreadyExistsException, which in AWS means "this manifest already has this tag").
 */
public class ImageTagAlreadyExistsException extends RuntimeException {
    private final String repository;
    private final String tag;
    private final String existingDigest;
    private final String pushedDigest;

    public ImageTagAlreadyExistsException(String repository, String tag, String existingDigest, String pushedDigest, String engineError, Throwable cause) {
        super("Cannot push " + repository + ":" + tag + " (" + pushedDigest + "): the tag already names " + existingDigest
                + " and tags are immutable in " + repository + " (ECR ImageTagAlreadyExistsException; the engine answered "
                + engineError + "). Fix: push a new tag; tags are immutable in " + repository, cause);
        this.repository = repository;
        this.tag = tag;
        this.existingDigest = existingDigest;
        this.pushedDigest = pushedDigest;
    }

    public String repository() {
        return repository;
    }

    public String tag() {
        return tag;
    }

    public String existingDigest() {
        return existingDigest;
    }

    public String pushedDigest() {
        return pushedDigest;
    }
}
