package dev.preflight.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Removes the Docker containers and networks a dead run left: those its ledger recorded and those
 * labelled with its owner (created in the moment before they were recorded). Ryuk, Testcontainers'
 * own reaper, is an image from a registry, so Preflight does without it.
 */
final class DockerLeftovers {
    private static final String OWNER_LABEL = ProcessLedger.OWNER_LABEL;
    private static final Logger LOG = LoggerFactory.getLogger(DockerLeftovers.class);

    private DockerLeftovers() {
    }

    /** Returns how many containers were removed; a Docker engine that does not answer removes nothing. */
    static int remove(String owner, List<String> containers, List<String> networks) {
        if (!DockerAvailability.isAvailable()) {
            LOG.warn("A killed run left Docker containers {} and networks {}, but Docker does not answer: remove them with"
                    + " 'docker rm -f' and 'docker network rm' (label {}={})", containers, networks, OWNER_LABEL, owner);
            return 0;
        }
        DockerClient docker = DockerClientFactory.instance().client();
        Set<String> ids = new LinkedHashSet<>(containers);
        docker.listContainersCmd().withShowAll(true).withLabelFilter(java.util.Map.of(OWNER_LABEL, owner)).exec()
                .stream().map(Container::getId).forEach(ids::add);
        int removed = 0;
        for (String id : ids) {
            try {
                docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
                LOG.warn("Removed container {} left by a run that was killed ({})", id.substring(0, Math.min(12, id.length())), owner);
                removed++;
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        Set<String> nets = new LinkedHashSet<>(networks);
        docker.listNetworksCmd().withFilter("label", List.of(OWNER_LABEL + "=" + owner)).exec()
                .stream().map(Network::getId).forEach(nets::add);
        for (String id : nets) {
            try {
                docker.removeNetworkCmd(id).exec();
            } catch (NotFoundException gone) {
                // removed already
            } catch (RuntimeException e) {
                LOG.warn("Could not remove network {} left by a killed run: {}", id, e.getMessage());
            }
        }
        return removed;
    }
}
