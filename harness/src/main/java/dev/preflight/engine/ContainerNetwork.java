package dev.preflight.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker network of a containers run: the engines and the task containers are on it, as an ECS
 * service and its RDS and ElastiCache share a VPC. Its gateway is the host's address on that network:
 * the engines publish their ports there, so one endpoint ({@code <gateway>:<port>}) reaches an engine
 * from this machine and from a task container alike, and nothing listens beyond this machine.
 * Created on first use, recorded in the ledger, removed on close.
 */
public final class ContainerNetwork implements AutoCloseable {
    private final ProcessLedger ledger;
    private String id;
    private String name;
    private String gateway;
    private boolean gatewayIsLocal;

    public ContainerNetwork(ProcessLedger ledger) {
        this.ledger = ledger;
    }

    /** The network's name, creating it on first use. */
    public synchronized String name() {
        create();
        return name;
    }

    /** The host's address on the network, where published ports are bound. */
    public synchronized String gateway() {
        create();
        return gateway;
    }

    /**
     * Whether the gateway is an address of this machine (Docker on Linux): only then can ports be published
     * there. Docker Desktop's bridge lives in its VM; there the engines publish on 127.0.0.1 instead.
     */
    public synchronized boolean gatewayIsLocal() {
        create();
        return gatewayIsLocal;
    }

    private void create() {
        if (id != null) {
            return;
        }
        DockerAvailability.require();
        DockerClient docker = DockerClientFactory.instance().client();
        String wanted = "preflight-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        ledger.usesDocker();
        String created = docker.createNetworkCmd().withName(wanted).withDriver("bridge").withCheckDuplicate(true)
                .withLabels(Map.of(ProcessLedger.OWNER_LABEL, ProcessLedger.owner())).exec().getId();
        ledger.trackNetwork(created);
        Network network = docker.inspectNetworkCmd().withNetworkId(created).exec();
        String gw = network.getIpam().getConfig().stream().map(Network.Ipam.Config::getGateway)
                .filter(g -> g != null && !g.isBlank()).findFirst()
                .orElseThrow(() -> new EngineException("Docker network " + wanted + " has no gateway address. Fix: check Docker's"
                        + " default address pools (daemon.json 'default-address-pools')"));
        this.id = created;
        this.name = wanted;
        this.gateway = gw.contains("/") ? gw.substring(0, gw.indexOf('/')) : gw;
        try {
            this.gatewayIsLocal = java.net.NetworkInterface.getByInetAddress(java.net.InetAddress.getByName(gateway)) != null;
        } catch (java.io.IOException e) {
            this.gatewayIsLocal = false;
        }
    }

    @Override
    public synchronized void close() {
        if (id == null) {
            return;
        }
        try {
            DockerClientFactory.instance().client().removeNetworkCmd(id).exec();
        } catch (NotFoundException gone) {
            // removed already
        } catch (RuntimeException e) {
            throw new EngineException("Docker network " + name + " could not be removed: " + e.getMessage()
                    + ". Fix: docker network rm " + name + " once its containers are gone", e);
        }
        ledger.forgetNetwork(id);
        id = null;
    }

    @Override
    public synchronized String toString() {
        return id == null ? "(no network yet)" : name + " (gateway " + gateway + ")";
    }
}
