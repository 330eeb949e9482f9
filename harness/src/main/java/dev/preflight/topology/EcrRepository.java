package dev.preflight.topology;

/** imageTagMutability defaults to MUTABLE and scanOnPush to false, as in AWS. */
public record EcrRepository(String imageTagMutability, Boolean scanOnPush) {
    public EcrRepository {
        imageTagMutability = imageTagMutability == null ? "MUTABLE" : imageTagMutability;
        scanOnPush = scanOnPush != null && scanOnPush;
    }

    public boolean immutable() {
        return "IMMUTABLE".equals(imageTagMutability);
    }
}
