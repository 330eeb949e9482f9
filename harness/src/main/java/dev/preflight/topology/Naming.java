package dev.preflight.topology;

/**
 * The AWS names of an environment's resources, in one place. Every name carries project and
 * environment so that dev, staging and prod can live side by side in one AWS engine.
 */
public record Naming(String project, String environment) {

    /** {@code shop-dev}: prefix of most names, the cluster and the VPC's Name tag. */
    public String prefix() {
        return project + "-" + environment;
    }

    public String of(String logicalName) {
        return prefix() + "-" + logicalName;
    }

    public String ecrRepository(String name) {
        return prefix() + "/" + name;
    }

    public String logGroup(String name) {
        return "/ecs/" + prefix() + "/" + name;
    }

    public String secret(String name) {
        return prefix() + "/" + name;
    }

    public String bucket(String name) {
        return prefix() + "-" + name;
    }

    /**
     * Target group and load balancer names: ELBv2 allows 32 characters, letters, digits and inner
     * hyphens. A longer name keeps its start and ends in a hash of the whole name, so that two long
     * names (api and admin of one long project) stay apart and none ends in a hyphen.
     */
    public String elbName(String name) {
        String full = of(name);
        if (full.length() <= 32) {
            return full;
        }
        String hash = String.format("%08x", full.hashCode());
        String start = full.substring(0, 32 - hash.length() - 1).replaceAll("-+$", "");
        return start + "-" + hash;
    }
}
