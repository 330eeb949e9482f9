# Preflight: the README's commands. Each one installs what it needs first (scripts/setup.sh).
ENV ?= dev
MVN ?= mvn -B -ntp
# What scripts/docker-engine.sh found or started (DOCKER_HOST, Testcontainers' settings), for the commands that use Docker.
WITH_DOCKER = set -a; if [ -f .preflight/docker-engine.env ]; then . ./.preflight/docker-engine.env; fi; set +a;

.PHONY: setup run test check up deploy down bench clean cdk plan diff drift apply fault
# The Java command line, from the installed modules: $(PREFLIGHT) <command> ...
PREFLIGHT = java -Dpreflight.topology.dir=fixtures/topology -cp "harness/target/classes:$$(cat harness/target/classpath.txt)" dev.preflight.cli.PreflightCli

setup:
	@./scripts/setup.sh

## run: embedded engines, provision dev, run the scenario suite, print a summary and where the report is
run: setup
	$(MVN) -q install -Dmaven.test.skip=true
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(MVN) verify -pl scenarios; status=$$?; $(PREFLIGHT) report --dir scenarios/target/preflight-report; exit $$status

## check: the gate on the reference environment (ENV=dev; CHECK_ARGS="--service api --only static,cutover" and so on); exit 0 safe, 1 not, 2 could not run
check: setup
	$(MVN) -q install -Dmaven.test.skip=true
	@$(SYNTH_CDK)
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(WITH_DOCKER) $(PREFLIGHT) check --env $(ENV) --report target/preflight-check $(CHECK_ARGS)

## test: the full build and every test (the containers scenarios too, where Docker runs or can be installed), then the example project (what CI runs)
test: setup
	@./scripts/docker-engine.sh
	$(WITH_DOCKER) $(MVN) install
	$(MVN) -f examples/greeter/pom.xml verify

# The CDK fixture synthesized again (offline, 2 s) after the build, so that its image assets hold the jars just built; skipped without node.
SYNTH_CDK = if command -v node >/dev/null && [ -d fixtures/cdk/node_modules ]; then (cd fixtures/cdk && CDK_OUTDIR=cdk.out node app.js); fi

## cdk: synthesize the CDK fixture (fixtures/cdk/app.js, offline, with node) into fixtures/cdk/cdk.out, after building the images' jars
cdk: setup
	$(MVN) -q install -Dmaven.test.skip=true
	@$(SYNTH_CDK)

## plan: what Preflight makes of a topology (TOPOLOGY=fixtures/cdk/cdk.out, fixtures/cloudformation/reference.yaml, or the YAML folder)
plan: setup
	$(MVN) -q install -Dmaven.test.skip=true
	@$(SYNTH_CDK)
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(PREFLIGHT) plan --env $(ENV) $(if $(TOPOLOGY),--topology $(TOPOLOGY),) $(PLAN_ARGS)

## diff: what differs between two environments (A=dev B=prod); exit 1 when a difference breaks parity
diff: setup
	$(MVN) -q install -Dmaven.test.skip=true
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(PREFLIGHT) diff $(or $(A),dev) $(or $(B),prod)

## up: keep one environment running (ENV=dev|staging|prod) and print how to reach it, until Ctrl-C
up: setup
	$(MVN) -q install -Dmaven.test.skip=true
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(WITH_DOCKER) java -Dpreflight.topology.dir=fixtures/topology -cp "harness/target/classes:$$(cat harness/target/classpath.txt)" dev.preflight.cli.PreflightCli up --env $(ENV)

## deploy: build, push and roll out a new version of one service of the running `make up` (SERVICE=api VERSION=v2)
deploy:
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -Dpreflight.topology.dir=fixtures/topology -cp "harness/target/classes:$$(cat harness/target/classpath.txt)" dev.preflight.cli.PreflightCli deploy $(SERVICE) --env $(ENV) $(if $(VERSION),--version $(VERSION),)

## drift: what was changed by hand in the running `make up` (ENV=dev) against its topology; exit 1 when something drifted
drift:
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(PREFLIGHT) plan --live --env $(ENV)

## apply: put the running `make up` (ENV=dev) back to its topology
apply:
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(PREFLIGHT) apply --env $(ENV)

## fault: a fault between the running `make up`'s tasks and an engine (ENGINE=postgres|redis ACTION=cut|restore|reset|latency MS=400)
fault:
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(PREFLIGHT) fault $(ENGINE) $(ACTION) --env $(ENV) $(if $(MS),--ms $(MS),)

## bench: ten rolling deploys under load (any failed request fails it), the load balancer against nginx
bench: setup
	@./scripts/bench-setup.sh
	$(MVN) -q install -Dmaven.test.skip=true
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -Dpreflight.topology.dir=fixtures/topology -Dpreflight.app.jar=fixtures/app/target/sample-app.jar -cp "harness/target/classes:$$(cat harness/target/classpath.txt)" dev.preflight.bench.PreflightBench

## down: stop whatever a killed run left behind (processes, Docker containers and networks, temp folders)
down:
	$(MVN) -q install -Dmaven.test.skip=true
	$(MVN) -q -pl harness dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	$(WITH_DOCKER) java -cp "harness/target/classes:$$(cat harness/target/classpath.txt)" dev.preflight.cli.PreflightCli down

clean:
	$(MVN) -q clean
