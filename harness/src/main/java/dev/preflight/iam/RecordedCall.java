package dev.preflight.iam;

import java.time.Instant;

/** One call a task made, with IAM's decision on it and whether the front answered AccessDenied. */
public record RecordedCall(Instant at, TaskIdentity caller, AwsCall call, Decision decision, boolean refused) {
}
