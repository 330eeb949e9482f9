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

    /** Target group and load balancer names are limited to 32 characters by ELBv2. */
    public String elbName(String name) {
        String full = of(name);
        return full.length() <= 32 ? full : full.substring(0, 32);
    }
}
