package dev.preflight.engine;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The life of one Testcontainers container behind an engine: checks Docker before anything else,
 * starts once (a second start is harmless), stops idempotently (also after a failed start), and
 * publishes the container's ports on 127.0.0.1 where the Docker engine runs on this machine, or on
 * the run's {@link ContainerNetwork} gateway when it has one (so that task containers reach it at the
 * same address). Every container carries the owner label and is in the ledger while it exists, so a
 * run killed outright has it removed by the next one (Ryuk, Testcontainers' reaper, is not needed).
 */
final class ContainerLifecycle {
    private final String image;
    private final String fix;
    private final ContainerNetwork network;
    private final ProcessLedger ledger;
    private final AtomicReference<GenericContainer<?>> current = new AtomicReference<>();
    private volatile boolean started;

    /**
     * @param image the image, for messages
     * @param fix   what to do when the container does not start, e.g. which setting replaces the image
     */
    ContainerLifecycle(String image, String fix) {
        this(image, fix, null, null);
    }

    /**
     * @param network the run's network, or null to publish on 127.0.0.1 only
     * @param ledger  where the container is recorded while it exists, or null (tests of the configuration)
     */
    ContainerLifecycle(String image, String fix, ContainerNetwork network, ProcessLedger ledger) {
        this.image = image;
        this.fix = fix;
        this.network = network;
        this.ledger = ledger;
    }

    synchronized void start(Supplier<? extends GenericContainer<?>> factory) {
        if (started) {
            return;
        }
        DockerAvailability.require();
        GenericContainer<?> container = factory.get();
        container.withLabel(ProcessLedger.OWNER_LABEL, ProcessLedger.owner());
        if (network != null) {
            String gateway = network.gateway();
            container.withNetworkMode(network.name());
            boolean onGateway = network.gatewayIsLocal();
            container.withCreateContainerCmdModifier(cmd -> {
                if (!onGateway) {
                    return; // Docker Desktop: 127.0.0.1, as publishOnLoopback made it
                }
                if (cmd.getHostConfig() != null && dockerHostIsLocal()) {
                    bindPorts(cmd.getHostConfig(), gateway, true);
                }
            });
        }
        current.set(container);
        if (ledger != null) {
            ledger.usesDocker();
        }
        try {
            container.start();
            if (ledger != null) {
                ledger.trackContainer(container.getContainerId());
            }
        } catch (RuntimeException e) {
            stopQuietly(container);
            current.compareAndSet(container, null);
            throw new EngineException("Container " + image + " did not start: " + rootMessage(e) + ". Fix: " + fix, e);
        }
        if (current.get() != container) {
            // close() ran while we were starting: it wins
            stopQuietly(container);
            throw new EngineException("Container " + image + " was stopped while it was starting");
        }
        started = true;
    }

    void stop() {
        started = false;
        GenericContainer<?> container = current.getAndSet(null);
        if (container == null) {
            return;
        }
        String id = container.getContainerId();
        try {
            container.stop();
            if (ledger != null && id != null) {
                ledger.forgetContainer(id);
            }
        } catch (RuntimeException e) {
            throw new EngineException("Container " + image + " did not stop cleanly: " + rootMessage(e)
                    + ". Fix: remove it with 'docker ps -a --filter label=org.testcontainers=true' and 'docker rm -f <id>'", e);
        }
    }

    boolean isStarted() {
        return started && current.get() != null;
    }

    /** The started container; an {@link EngineException} before start. */
    GenericContainer<?> running(String what) {
        GenericContainer<?> container = current.get();
        if (!started || container == null) {
            throw new EngineException(what + " (" + image + ") is not started. Fix: call start() first");
        }
        return container;
    }

    /** The host to reach a port of the started container on: the address it is published on, when it names one. */
    String host(int containerPort) {
        GenericContainer<?> container = running("The container");
        Ports.Binding[] bindings = container.getContainerInfo().getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(containerPort));
        if (bindings != null && bindings.length > 0) {
            String ip = bindings[0].getHostIp();
            if (LocalPorts.LOOPBACK.equals(ip) || network != null && network.gateway().equals(ip)) {
                return ip;
            }
        }
        return container.getHost();
    }

    int mappedPort(int containerPort) {
        return running("The container").getMappedPort(containerPort);
    }

    /** "host:port" of a started container, "(not started)" otherwise: for descriptions. */
    String address(int containerPort) {
        return isStarted() ? host(containerPort) + ":" + mappedPort(containerPort) : "(not started)";
    }

    /**
     * Makes the container publish its ports on 127.0.0.1 instead of every interface, when the Docker
     * engine runs on this machine (a local socket, not a remote or in-container Docker host, where
     * loopback would be out of reach). Applied when the container is created, so it needs no Docker now.
     */
    static <T extends GenericContainer<?>> T publishOnLoopback(T container) {
        container.withCreateContainerCmdModifier(cmd -> {
            if (cmd.getHostConfig() != null && dockerHostIsLocal()) {
                bindPorts(cmd.getHostConfig(), LocalPorts.LOOPBACK, false);
            }
        });
        return container;
    }

    /**
     * Every port binding without a host address (or, with {@code every}, every binding) gets {@code ip};
     * host ports stay as they were (random).
     */
    static void bindPorts(HostConfig hostConfig, String ip, boolean every) {
        Ports ports = hostConfig.getPortBindings();
        if (ports == null) {
            return;
        }
        Ports loopback = new Ports();
        for (Map.Entry<ExposedPort, Ports.Binding[]> entry : ports.getBindings().entrySet()) {
            Ports.Binding[] bindings = entry.getValue();
            if (bindings == null || bindings.length == 0) {
                loopback.bind(entry.getKey(), Ports.Binding.bindIp(ip));
                continue;
            }
            for (Ports.Binding binding : bindings) {
                String given = binding.getHostIp();
                boolean anyInterface = every || given == null || given.isBlank() || "0.0.0.0".equals(given);
                loopback.bind(entry.getKey(), anyInterface ? new Ports.Binding(ip, binding.getHostPortSpec()) : binding);
            }
        }
        hostConfig.withPortBindings(loopback);
    }

    static boolean dockerHostIsLocal() {
        try {
            DockerClientFactory docker = DockerClientFactory.instance();
            String scheme = docker.getTransportConfig().getDockerHost().getScheme();
            if (!"unix".equals(scheme) && !"npipe".equals(scheme)) {
                return false;
            }
            return InetAddress.getByName(docker.dockerHostIpAddress()).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    private static void stopQuietly(GenericContainer<?> container) {
        try {
            container.stop();
        } catch (RuntimeException ignored) {
            // the start failure is the news
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? message : e.getMessage() + " (cause: " + message + ")";
    }
}
