package dev.preflight.provision;

import dev.preflight.topology.EcrRepository;
import java.util.Optional;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/** ECR repositories with their tag mutability and scan-on-push setting. */
final class EcrResources implements ResourceKind {

    @Override
    public String title() {
        return "ecr";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        EcrClient ecr = ctx.aws().ecr();
        ctx.topology().ecr().repositories().forEach((name, repo) -> {
            String awsName = ctx.naming().ecrRepository(name);
            Optional<Repository> actual = find(ecr, awsName);
            if (actual.isEmpty()) {
                ctx.create("repository " + awsName, () -> {
                    Repository created = ecr.createRepository(r -> r.repositoryName(awsName)
                            .imageTagMutability(repo.imageTagMutability())
                            .imageScanningConfiguration(s -> s.scanOnPush(repo.scanOnPush()))
                            .tags(ctx.tags(awsName).entrySet().stream()
                                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())).repository();
                    ctx.outputs().put("ecr", name, created.repositoryUri());
                });
                return;
            }
            Repository r = actual.get();
            ctx.outputs().put("ecr", name, r.repositoryUri());
            boolean mutabilitySame = r.imageTagMutabilityAsString().equals(repo.imageTagMutability());
            boolean scanSame = r.imageScanningConfiguration() != null
                    && r.imageScanningConfiguration().scanOnPush() == repo.scanOnPush().booleanValue();
            if (mutabilitySame && scanSame) {
                ctx.unchanged("repository " + awsName);
                return;
            }
            ctx.update("repository " + awsName, describe(repo, mutabilitySame, scanSame), () -> {
                if (!mutabilitySame) {
                    ecr.putImageTagMutability(p -> p.repositoryName(awsName).imageTagMutability(ImageTagMutability.fromValue(repo.imageTagMutability())));
                }
                if (!scanSame) {
                    ecr.putImageScanningConfiguration(p -> p.repositoryName(awsName).imageScanningConfiguration(s -> s.scanOnPush(repo.scanOnPush())));
                }
            });
        });
    }

    private static String describe(EcrRepository repo, boolean mutabilitySame, boolean scanSame) {
        return (mutabilitySame ? "" : "imageTagMutability=" + repo.imageTagMutability() + " ")
                + (scanSame ? "" : "scanOnPush=" + repo.scanOnPush());
    }

    static Optional<Repository> find(EcrClient ecr, String name) {
        try {
            return ecr.describeRepositories(r -> r.repositoryNames(name)).repositories().stream().findFirst();
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        EcrClient ecr = ctx.aws().ecr();
        ctx.topology().ecr().repositories().keySet().forEach(name -> {
            String awsName = ctx.naming().ecrRepository(name);
            if (find(ecr, awsName).isPresent()) {
                ctx.delete("repository " + awsName, () -> ecr.deleteRepository(r -> r.repositoryName(awsName).force(true)));
            }
            ctx.outputs().remove("ecr", name);
        });
    }
}
