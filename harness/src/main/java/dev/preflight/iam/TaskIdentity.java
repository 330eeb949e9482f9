package dev.preflight.iam;

/**
 * The credentials one task got for its task role: the role (its AWS name), the task, and the
 * temporary keys its calls are signed with, by which the front knows who calls.
 */
public record TaskIdentity(String taskId, String family, String roleName, String roleArn, String accessKeyId,
                           String secretAccessKey, String sessionToken) {
    /** {@code arn:aws:sts::<account>:assumed-role/<role>/<task>}, as AWS names the caller. */
    public String callerArn() {
        String account = roleArn.split(":").length > 4 ? roleArn.split(":")[4] : "000000000000";
        return "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + taskId;
    }
}
