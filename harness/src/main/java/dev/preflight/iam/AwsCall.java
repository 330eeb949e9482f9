package dev.preflight.iam;

/**
 * One AWS call as IAM judges it: the action ({@code s3:PutObject}) and the resource's ARN, or null
 * when the call names none the harness reads (then only the action is judged).
 */
public record AwsCall(String action, String resource) {
    /** {@code s3:PutObject on arn:aws:s3:::media/a.png}. */
    public String describe() {
        return action + (resource == null ? "" : " on " + resource);
    }
}
