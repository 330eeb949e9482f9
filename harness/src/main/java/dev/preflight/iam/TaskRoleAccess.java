package dev.preflight.iam;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Least privilege at run time: every AWS call a task makes with its task role's credentials is judged
 * against the role's policies and recorded; in {@link AccessMode#ENFORCE} a denied call is to be
 * refused. The AWS front asks {@link #judge} for each call signed with a task's key.
 */
public final class TaskRoleAccess implements AutoCloseable {
    private final TaskCredentialsEndpoint credentials;
    private final RolePolicies policies;
    private final AwsCallReader reader;
    private volatile AccessMode mode;
    private final ObjectLookup objects;
    private final List<RecordedCall> calls = new ArrayList<>();
    /** The tasks given credentials, by their role's AWS name, in the order the roles were first used. */
    private final Map<String, Set<String>> tasksByRole = new LinkedHashMap<>();

    /**
     * @param objects whether an S3 object exists, so that a GetObject of a missing key by a role without
     *                s3:ListBucket is judged as S3 answers it (403); null: not looked up
     */
    public TaskRoleAccess(TaskCredentialsEndpoint credentials, RolePolicies policies, AwsCallReader reader, AccessMode mode,
                          ObjectLookup objects) {
        this.credentials = credentials;
        this.policies = policies;
        this.reader = reader;
        this.mode = mode;
        this.objects = objects;
    }

    public AccessMode mode() {
        return mode;
    }

    /** From now on; a scenario may look at one part of a run in the other mode. */
    public void mode(AccessMode newMode) {
        this.mode = newMode;
    }

    public AwsCallReader reader() {
        return reader;
    }

    /** Credentials for a starting task's role: the environment variables that lead its SDK to them. */
    public Map<String, String> issue(String taskId, String family, String roleArn) {
        Map<String, String> env = credentials.issue(taskId, family, roleArn);
        synchronized (calls) {
            String role = roleArn.substring(roleArn.lastIndexOf('/') + 1);
            tasksByRole.computeIfAbsent(role, r -> new LinkedHashSet<>()).add(taskId);
        }
        return env;
    }

    /** The task a call is signed by, if a task's credentials signed it. */
    public Optional<TaskIdentity> caller(String accessKeyId) {
        return credentials.identity(accessKeyId);
    }

    /**
     * Whether an S3 object exists ({@code bucket}, {@code key}), asked of the engine with its own keys:
     * S3 answers a missing key with 404 only to a caller that may list the bucket.
     */
    public interface ObjectLookup {
        boolean exists(String bucket, String key);
    }

    /** Judges and records one call of a task; the answer says whether to refuse it. */
    public RecordedCall judge(TaskIdentity caller, AwsCall call) {
        Decision decision = missingObject(caller, call, policies.decide(caller.roleName(), call));
        RecordedCall recorded = new RecordedCall(Instant.now(), caller, call, decision, !decision.allowed() && mode == AccessMode.ENFORCE);
        synchronized (calls) {
            calls.add(recorded);
        }
        return recorded;
    }

    /**
     * S3's rule for a GetObject (or HeadObject) of a key that does not exist: without s3:ListBucket on
     * the bucket the answer is 403 AccessDenied, not 404 NoSuchKey (S3 will not tell such a caller
     * what the bucket holds). An app that reads a 404 as "not there" gets a 403 on AWS.
     */
    private Decision missingObject(TaskIdentity caller, AwsCall call, Decision allowed) {
        if (objects == null || !allowed.allowed() || !call.action().equals("s3:GetObject") || call.resource() == null
                || !call.resource().startsWith("arn:aws:s3:::")) {
            return allowed;
        }
        String path = call.resource().substring("arn:aws:s3:::".length());
        int slash = path.indexOf('/');
        String bucket = path.substring(0, slash);
        AwsCall list = new AwsCall("s3:ListBucket", "arn:aws:s3:::" + bucket);
        if (policies.decide(caller.roleName(), list).allowed() || objects.exists(bucket, path.substring(slash + 1))) {
            return allowed;
        }
        return new Decision(false, null, "the key does not exist and the role may not s3:ListBucket arn:aws:s3:::" + bucket
                + ": S3 answers such a caller 403 AccessDenied, not 404 NoSuchKey");
    }

    public List<RecordedCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Per role whose tasks ran: used, unused and denied, from the calls so far and the role's policies now. */
    public TaskRoleReport report() {
        List<RecordedCall> all = calls();
        Map<String, Set<String>> tasks;
        synchronized (calls) {
            tasks = new LinkedHashMap<>(tasksByRole);
            tasks.replaceAll((role, ids) -> new LinkedHashSet<>(ids));
        }
        List<TaskRoleReport.RoleUse> uses = new ArrayList<>();
        for (String role : tasks.keySet()) {
            List<RecordedCall> mine = all.stream().filter(c -> c.caller().roleName().equals(role)).toList();
            List<TaskRoleReport.Grant> used = new ArrayList<>();
            List<TaskRoleReport.Grant> unused = new ArrayList<>();
            for (PolicyStatement s : policies.statements(role)) {
                if (!s.allow()) {
                    continue;
                }
                for (String action : s.actions()) {
                    PolicyStatement one = new PolicyStatement(s.policy(), s.index(), true, List.of(action), s.notAction(), s.resources(),
                            s.notResource(), s.conditional());
                    long n = mine.stream().filter(c -> c.decision().allowed() && c.decision().statement() != null
                            && c.decision().statement().label().equals(s.label()) && one.matches(c.call())).count();
                    TaskRoleReport.Grant grant = new TaskRoleReport.Grant(s.label(), (s.notAction() ? "NotAction " : "") + action,
                            s.resources(), (int) n);
                    (n > 0 ? used : unused).add(grant);
                }
            }
            Map<String, TaskRoleReport.Denial> denied = new LinkedHashMap<>();
            for (RecordedCall c : mine) {
                if (c.decision().allowed()) {
                    continue;
                }
                denied.merge(c.call().describe(), new TaskRoleReport.Denial(c.call().describe(), c.decision().reason(), c.caller().taskId(), 1,
                        c.refused() ? 1 : 0), (a, b) -> new TaskRoleReport.Denial(a.call(), a.reason(), a.task(), a.calls() + 1, a.refused() + b.refused()));
            }
            uses.add(new TaskRoleReport.RoleUse(role, used, unused, List.copyOf(denied.values()), List.copyOf(tasks.get(role))));
        }
        return new TaskRoleReport(mode, uses);
    }

    @Override
    public void close() {
        credentials.close();
    }
}
