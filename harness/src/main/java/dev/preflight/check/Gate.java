package dev.preflight.check;

import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.alb.TargetState;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.Engines;
import dev.preflight.iam.TaskRoleReport;
import dev.preflight.environment.DeclaredEngineVersions;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.ScalingOptions;
import dev.preflight.topology.CheckSettings;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Overlay;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyException;
import dev.preflight.environment.TopologyLocator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The gate: says whether the proposed change (a topology folder and the images its Dockerfiles build)
 * can go out. It provisions the environment, deploys each service's baseline (the proposed image when
 * there is none), runs the standard checks (static rules, cutover, task loss, bad release, scaling,
 * rotation, then the task roles against every AWS call the tasks made and the rules on what was measured), writes the report and returns the verdicts with an
 * exit code: 0 safe, 1 a check failed, 2 the check could not be run.
 *
 * <p>With a baseline the environment starts as the baseline's topology and the cutover is the team's
 * pipeline: the proposed topology applied under load to what runs ({@link InfrastructureApply}), then
 * the proposed image deployed. A change of services, target groups or listener rules is provisioned
 * from the start instead (the runtime keeps the ones it started with).
 *
 * <pre>{@code
 * GateResult result = Gate.of("dev").withTopologyDir(Path.of("preflight")).withBaseline("main").run();
 * System.exit(result.exitCode());
 * }</pre>
 *
 * Checks of different services run side by side; checks of one service in order.
 */
public final class Gate {
    // Written only by with(), on a copy not yet handed out: a Gate never changes once a caller has it.
    private final String environment;
    private Path topologyDir;
    private BaselineSource baseline;
    private List<Overlay> overlays = List.of();
    private Map<String, Map<String, String>> imageEnv = Map.of();
    private Set<String> only = Set.of();
    private Set<String> skip = Set.of();
    private Path reportDir;
    private PrintStream progress = System.out;
    private Engines engines;
    private String project;
    private int parallelism = 3;
    private Set<String> services = Set.of();

    /** --baseline as given, and the build its git export needs first (null: none). */
    private record BaselineSource(String given, String build) {
    }

    private Gate(String environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** This gate with one setting changed, as a new gate. */
    private Gate with(Consumer<Gate> change) {
        Gate copy = new Gate(environment);
        copy.topologyDir = topologyDir;
        copy.baseline = baseline;
        copy.overlays = overlays;
        copy.imageEnv = imageEnv;
        copy.only = only;
        copy.skip = skip;
        copy.reportDir = reportDir;
        copy.progress = progress;
        copy.engines = engines;
        copy.project = project;
        copy.parallelism = parallelism;
        copy.services = services;
        change.accept(copy);
        return copy;
    }

    /** The gate for one environment of the topology folder ({@link TopologyLocator#topologyDir()} unless given). */
    public static Gate of(String environment) {
        return new Gate(environment);
    }

    public Gate withTopologyDir(Path dir) {
        return with(g -> g.topologyDir = dir);
    }

    /** What runs now: a topology folder, or a git ref (branch, tag, commit) of the repository holding the topology. */
    public Gate withBaseline(String dirOrGitRef) {
        return withBaseline(dirOrGitRef, null);
    }

    /**
     * What runs now, from a git ref whose images need a build first: {@code build} runs with {@code sh -c}
     * at the root of the ref's export (e.g. {@code mvn -q package}: what the Dockerfiles COPY).
     */
    public Gate withBaseline(String dirOrGitRef, String build) {
        return with(g -> g.baseline = new BaselineSource(dirOrGitRef, build));
    }

    /** A change laid over the proposed topology, in its own YAML (the proposed change of a fixture, or a what-if). */
    public Gate withOverlay(Overlay overlay) {
        List<Overlay> more = new ArrayList<>(overlays);
        more.add(overlay);
        return with(g -> g.overlays = List.copyOf(more));
    }

    /** ENV added to the proposed release's image of one service (how the reference services are made to misbehave). */
    public Gate withImageEnv(String service, Map<String, String> env) {
        Map<String, Map<String, String>> more = new LinkedHashMap<>(imageEnv);
        more.put(service, Map.copyOf(env));
        return with(g -> g.imageEnv = Collections.unmodifiableMap(more));
    }

    /** Runs only these checks ({@link CheckSettings#CHECKS}); empty: all. */
    public Gate only(Collection<String> checks) {
        Set<String> known = known(checks);
        return with(g -> g.only = known);
    }

    public Gate skip(Collection<String> checks) {
        Set<String> known = known(checks);
        return with(g -> g.skip = known);
    }

    /** Where the pages go; by default {@link ScenarioReport#defaultDir()}. */
    public Gate withReportDir(Path dir) {
        return with(g -> g.reportDir = dir);
    }

    /** Where progress lines go (default System.out). */
    public Gate withProgress(PrintStream out) {
        Objects.requireNonNull(out, "out");
        return with(g -> g.progress = out);
    }

    /** Engines started elsewhere (shared by tests); left running. By default the gate starts and stops its own. */
    public Gate withEngines(Engines shared) {
        return with(g -> g.engines = shared);
    }

    /** Its own copy under this project name, so several gates share engines side by side. */
    public Gate withProject(String name) {
        return with(g -> g.project = name);
    }

    /** Checks only these services (static rules included); empty: every service. */
    public Gate forServices(Collection<String> names) {
        Set<String> chosen = Collections.unmodifiableSet(new LinkedHashSet<>(names));
        return with(g -> g.services = chosen);
    }

    /** How many services are checked at once (default 3). */
    public Gate withParallelism(int count) {
        return with(g -> g.parallelism = Math.max(1, count));
    }

    private static Set<String> known(Collection<String> checks) {
        for (String c : checks) {
            if (!CheckSettings.CHECKS.contains(c)) {
                throw new IllegalArgumentException("unknown check '" + c + "': use one of " + CheckSettings.CHECKS);
            }
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(checks));
    }

    /** The proposed topology, loaded and validated (a {@link TopologyException} names the file and the fix). */
    public Topology topology() {
        RunningEnvironment.Definition definition = definition();
        return definition.topology();
    }

    private RunningEnvironment.Definition definition() {
        RunningEnvironment.Definition d = RunningEnvironment.of(environment).withTopologyDir(dir()).withProgress(null);
        for (Overlay o : overlays) {
            d = d.withOverlay(o);
        }
        return withProject(d);
    }

    private RunningEnvironment.Definition withProject(RunningEnvironment.Definition d) {
        return project == null ? d : d.withProject(project);
    }

    private Path dir() {
        return topologyDir != null ? topologyDir : TopologyLocator.topologyDir();
    }

    /** Runs the gate; never throws for what the user can fix: bad input and engines that do not start give exit code 2. */
    public GateResult run() {
        Instant start = Instant.now();
        Topology proposed;
        try {
            proposed = topology();
        } catch (TopologyException | IllegalStateException e) {
            return GateResult.couldNotRun(e.getMessage(), List.of(), Duration.between(start, Instant.now()));
        }
        List<Verdict> verdicts = new ArrayList<>();
        List<String> unknown = services.stream().filter(n -> !proposed.ecs().services().containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            return GateResult.couldNotRun("no ECS service " + unknown + " in the topology: use some of " + proposed.ecs().services().keySet(),
                    List.of(), Duration.between(start, Instant.now()));
        }
        if (selected("static")) {
            // Rules of the environment as a whole (least privilege) stand for every service checked.
            StaticRules.ofTopology(proposed).stream().filter(v -> v.service().equals(Verdict.ENVIRONMENT)
                            || checked(v.service()) && !skippedBy(proposed, v.service(), "static"))
                    .forEach(verdicts::add);
        }
        if (baseline != null && baseline.build() != null) {
            progress.println("preflight check: building the baseline " + baseline.given() + ": " + baseline.build());
        }
        try (Baseline base = baseline == null ? null : Baseline.resolve(baseline.given(), dir(), baseline.build())) {
            RunningEnvironment.Definition baselineDefinition = base == null ? null : withProject(RunningEnvironment.of(environment)
                    .withTopologyDir(base.topologyDir()).withProgress(null));
            Topology baselineTopology = base == null ? proposed : baselineDefinition.topology();
            String different = base == null ? null : differentShape(baselineTopology, proposed);
            progress.println("preflight check: " + proposed.naming().prefix() + " from " + dir() + (base == null ? ""
                    : ", baseline " + baseline.given() + " (" + base.topologyDir() + ")"));
            if (different != null) {
                progress.println("preflight check: " + different + ": the proposed topology is provisioned from the start, and its"
                        + " infrastructure change is not applied mid-run");
            }
            boolean midRun = base != null && different == null;
            return runDynamic(proposed, baselineTopology, midRun ? baselineDefinition : definition(), base != null, midRun, verdicts, start);
        } catch (TopologyException e) {
            return GateResult.couldNotRun(e.getMessage(), verdicts, Duration.between(start, Instant.now()));
        } catch (RuntimeException e) {
            return GateResult.couldNotRun(e.getClass().getSimpleName() + ": " + e.getMessage(), verdicts, Duration.between(start, Instant.now()));
        }
    }

    /**
     * Why the proposed topology cannot be applied to the baseline's running environment, or null: the
     * runtime keeps the services and target groups it started with.
     */
    static String differentShape(Topology baseline, Topology proposed) {
        if (!baseline.ecs().services().keySet().equals(proposed.ecs().services().keySet())) {
            return "the change adds or removes ECS services (" + baseline.ecs().services().keySet() + " -> "
                    + proposed.ecs().services().keySet() + ")";
        }
        Set<String> before = baseline.loadBalancer() == null ? Set.of() : baseline.loadBalancer().targetGroups().keySet();
        Set<String> after = proposed.loadBalancer() == null ? Set.of() : proposed.loadBalancer().targetGroups().keySet();
        if (!before.equals(after) || (baseline.loadBalancer() == null) != (proposed.loadBalancer() == null)) {
            return "the change adds or removes the load balancer or target groups (" + before + " -> " + after + ")";
        }
        if (baseline.loadBalancer() != null && !baseline.loadBalancer().listener().equals(proposed.loadBalancer().listener())) {
            return "the change edits the listener or its rules";
        }
        for (String s : baseline.ecs().services().keySet()) {
            if (!Objects.equals(baseline.ecs().services().get(s).targetGroup(), proposed.ecs().services().get(s).targetGroup())) {
                return "the change moves service " + s + " to another target group";
            }
        }
        return null;
    }

    private GateResult runDynamic(Topology proposed, Topology baselineTopology, RunningEnvironment.Definition toStart, boolean hasBaseline,
                                  boolean midRun, List<Verdict> verdicts, Instant start) {
        Engines own = null;
        try {
            Engines running = engines;
            if (running == null) {
                progress.println("preflight check: starting the engines");
                own = Engines.create(EngineSettings.fromSystem(), DeclaredEngineVersions.of(proposed)).start().closedByCaller();
                running = own;
            }
            progress.println("preflight check: provisioning " + proposed.naming().prefix() + (midRun ? " as the baseline has it" : ""));
            try (RunningEnvironment env = toStart.start(running)) {
                Path dir = reportDir != null ? reportDir : ScenarioReport.defaultDir();
                CheckContext ctx = new CheckContext(env, proposed, hasBaseline, imageEnv, progress, dir);
                measureStartups(ctx);
                List<String> services = proposed.ecs().services().keySet().stream().filter(this::checked).toList();
                Map<String, String> notDeployed = deployFirst(ctx, baselineTopology, services, verdicts);
                Map<String, ServiceLoad> loads = new LinkedHashMap<>();
                for (String s : services) {
                    ServiceLoad.of(proposed, s).ifPresent(l -> loads.put(s, l));
                }
                Map<String, String> stalled = new LinkedHashMap<>(notDeployed);
                verdicts.stream().filter(v -> v.check().equals(StaticRules.DEPLOYMENT_PROGRESS) && v.failed())
                        .forEach(v -> stalled.putIfAbsent(v.service(), "its deployment configuration cannot progress (" + StaticRules.DEPLOYMENT_PROGRESS + ")"));
                if (midRun) {
                    // apply, then deploy: the team's pipeline changes the infrastructure under what runs now.
                    List<String> underLoad = services.stream().filter(s -> loads.containsKey(s) && !stalled.containsKey(s)
                            && selected(CutoverCheck.NAME) && !skippedBy(proposed, s, CutoverCheck.NAME)).toList();
                    ctx.applied(InfrastructureApply.run(ctx, baselineTopology, underLoad, loads));
                }
                // The pipeline stops when its apply breaks what runs: nothing else is deployed to that service.
                Map<String, String> broken = new LinkedHashMap<>(stalled);
                services.stream().filter(s -> ctx.applied(s).map(InfrastructureApply.Outcome::failure).isPresent())
                        .forEach(s -> broken.put(s, "the infrastructure apply broke the running release (see cutover)"));
                verdicts.addAll(perService(ctx, services, loads, stalled, broken));
                verdicts.addAll(scaling(ctx, services, loads, broken));
                verdicts.addAll(rotation(ctx, services, loads, broken));
                TaskRoleReport taskRoles = env.taskRoles().report();
                if (selected(TaskRoleCheck.NAME)) {
                    // Last of the run's checks: it judges every call the run's tasks made.
                    services.stream().filter(s -> !skippedBy(proposed, s, TaskRoleCheck.NAME))
                            .forEach(s -> verdicts.add(TaskRoleCheck.of(proposed, s, taskRoles)));
                }
                if (selected("static")) {
                    verdicts.addAll(StaticRules.ofMeasurements(proposed, ctx.measured(),
                            services.stream().filter(s -> !skippedBy(proposed, s, "static")).toList()));
                }
                return write(dir, verdicts, start, taskRoles);
            }
        } catch (RuntimeException e) {
            return GateResult.couldNotRun(e.getClass().getSimpleName() + ": " + e.getMessage(), verdicts, Duration.between(start, Instant.now()));
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /** Each service's baseline (or the proposed image a first time), side by side; returns the services that did not reach steady state. */
    private Map<String, String> deployFirst(CheckContext ctx, Topology sources, List<String> services, List<Verdict> verdicts) {
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, DeployResult> results = inParallel(services, s -> {
            EcsService model = ctx.service(s);
            ctx.progress("deploy", s, ctx.firstVersion() + " at " + model.desiredCount() + " task(s)");
            // Without a baseline the first deploy is the proposed release itself, its image ENV included.
            Map<String, String> env = ctx.firstVersion().equals(CheckContext.CURRENT) ? ctx.imageEnv(s) : Map.of();
            return ctx.env().pipeline().deploy(s, ctx.firstVersion(), sources, env,
                    Bounds.rollingDeploy(ctx.topology(), model, Math.max(1, model.desiredCount())).multipliedBy(2));
        });
        results.forEach((s, r) -> {
            if (!r.succeeded()) {
                failed.put(s, "its " + ctx.firstVersion() + " deploy did not reach steady state");
                String what = ctx.firstVersion() + " deploy " + r.result() + ": " + r.reason();
                verdicts.add(ctx.firstVersion().equals(CheckContext.CURRENT)
                        ? Verdict.failed(CutoverCheck.NAME, s, what, "the proposed image does not reach steady state on its own: read its task"
                        + " logs and stop reasons in the report, and fix the image or its health checks")
                        : Verdict.error(CutoverCheck.NAME, s, what));
            }
        });
        return failed;
    }

    /**
     * cutover, task loss and bad release of each service, services side by side; a service whose
     * running release the infrastructure apply broke has that as its cutover verdict, and nothing after.
     */
    private List<Verdict> perService(CheckContext ctx, List<String> services, Map<String, ServiceLoad> loads, Map<String, String> stalled,
                                     Map<String, String> broken) {
        Map<String, List<Verdict>> results = inParallel(services, s -> {
            List<Verdict> out = new ArrayList<>();
            Verdict applyFailed = ctx.applied(s).map(InfrastructureApply.Outcome::failure).orElse(null);
            out.add(applyFailed != null ? applyFailed : guarded(ctx, CutoverCheck.NAME, s, loads, stalled, load -> CutoverCheck.run(ctx, s, load)));
            out.add(guarded(ctx, TaskLossCheck.NAME, s, loads, broken, load -> TaskLossCheck.run(ctx, s, load)));
            out.add(guarded(ctx, BadReleaseCheck.NAME, s, loads, broken, load -> BadReleaseCheck.run(ctx, s, load)));
            return out;
        });
        List<Verdict> all = new ArrayList<>();
        results.values().forEach(all::addAll);
        return all.stream().filter(Objects::nonNull).toList();
    }

    private List<Verdict> scaling(CheckContext ctx, List<String> services, Map<String, ServiceLoad> loads, Map<String, String> stalled) {
        if (!selected(ScalingCheck.NAME)) {
            return List.of();
        }
        try (Autoscaler autoscaler = Autoscaler.start(ctx.env().runtime(), ScalingOptions.defaults())) {
            Map<String, Verdict> results = inParallel(services,
                    s -> guarded(ctx, ScalingCheck.NAME, s, loads, stalled, load -> ScalingCheck.run(ctx, autoscaler, s, load)));
            return results.values().stream().filter(Objects::nonNull).toList();
        }
    }

    private List<Verdict> rotation(CheckContext ctx, List<String> services, Map<String, ServiceLoad> loads, Map<String, String> stalled) {
        if (!selected(RotationCheck.NAME)) {
            return List.of();
        }
        List<Verdict> out = new ArrayList<>();
        ctx.topology().secrets().forEach((name, secret) -> {
            if (secret.database() == null) {
                return;
            }
            List<String> users = RotationCheck.users(ctx, name).stream()
                    .filter(s -> checked(s) && !stalled.containsKey(s) && !ctx.service(s).check().skip().contains(RotationCheck.NAME)).toList();
            if (users.isEmpty()) {
                return;
            }
            try {
                out.addAll(RotationCheck.run(ctx, name, users, loads));
            } catch (RuntimeException e) {
                users.forEach(s -> out.add(Verdict.error(RotationCheck.NAME, s, e.getClass().getSimpleName() + ": " + e.getMessage())));
            }
        });
        return out;
    }

    /** A check of one service: null when not selected, SKIPPED when it cannot apply, ERROR when it threw. */
    private Verdict guarded(CheckContext ctx, String check, String service, Map<String, ServiceLoad> loads, Map<String, String> stalled,
                            Function<ServiceLoad, Verdict> body) {
        if (!selected(check)) {
            return null;
        }
        if (ctx.service(service).check().skip().contains(check)) {
            return Verdict.skipped(check, service, "skipped by ecs.services." + service + ".check.skip");
        }
        if (stalled.containsKey(service)) {
            return Verdict.skipped(check, service, "not run: " + stalled.get(service));
        }
        ServiceLoad load = loads.get(service);
        if (load == null) {
            return Verdict.skipped(check, service, "not behind the load balancer: no load to measure it with");
        }
        try {
            return body.apply(load);
        } catch (RuntimeException e) {
            return Verdict.error(check, service, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static boolean skippedBy(Topology topology, String service, String check) {
        return topology.ecs().services().get(service).check().skip().contains(check);
    }

    private boolean checked(String service) {
        return services.isEmpty() || services.contains(service);
    }

    private boolean selected(String check) {
        return (only.isEmpty() || only.contains(check)) && !skip.contains(check);
    }

    /** Task start to its first healthy target, for every task of the proposed image (the grace-period rule). */
    private static void measureStartups(CheckContext ctx) {
        if (ctx.env().runtime().loadBalancer() == null) {
            return;
        }
        ctx.topology().ecs().services().forEach((name, s) -> {
            if (s.targetGroup() == null) {
                return;
            }
            TargetGroupRuntime tg = ctx.env().runtime().loadBalancer().targetGroup(s.targetGroup());
            tg.addListener((targetId, from, to, reason) -> {
                if (from == TargetState.INITIAL && to == TargetState.HEALTHY) {
                    ctx.env().runtime().task(targetId).filter(t -> !CheckContext.BASELINE.equals(t.version()) && t.startedAt() != null)
                            .ifPresent((EcsTask t) -> ctx.measured().startup(name, Duration.between(t.startedAt(), Instant.now())));
                }
            });
        });
    }

    private <T> Map<String, T> inParallel(List<String> services, Function<String, T> work) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, services.size())), r -> {
            Thread t = new Thread(r, "preflight-check");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            for (String s : services) {
                futures.put(s, pool.submit(() -> work.apply(s)));
            }
            Map<String, T> results = new LinkedHashMap<>();
            for (Map.Entry<String, Future<T>> f : futures.entrySet()) {
                try {
                    results.put(f.getKey(), f.getValue().get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The gate's own page: the verdict table first, each row linking to its check's page with the
     * timeline; then the task roles' permissions used, unused and denied over the whole run.
     */
    private GateResult write(Path dir, List<Verdict> verdicts, Instant start, TaskRoleReport taskRoles) {
        Duration took = Duration.between(start, Instant.now());
        Path index = dir.toAbsolutePath().normalize().resolve("index.html");
        GateResult result = GateResult.of(verdicts, null, index, took);
        List<List<String>> rows = verdicts.stream().map(v -> List.of(v.check(), v.service(), v.outcome().name(), v.evidence(), v.fix())).toList();
        List<String> links = verdicts.stream().map(Verdict::page).toList();
        ScenarioReport page = ScenarioReport.named("preflight check: " + environment + (project == null ? "" : " (" + project + ")"))
                .table("Verdicts", List.of("check", "service", "verdict", "evidence", "fix"), rows, links)
                .table("Task roles over the run: permissions used, granted and never used, calls denied",
                        List.of("role", "permission or call", "what happened", "calls", "detail"), taskRoles.rows(), null)
                .verdict(result.exitCode() == GateResult.SAFE, result.summary().replaceFirst("; report: .*", ""));
        Path written = page.write(dir);
        return new GateResult(verdicts, result.exitCode(), null, written.toAbsolutePath(), index, took);
    }
}
