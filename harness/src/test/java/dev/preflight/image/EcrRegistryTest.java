package dev.preflight.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;

/** Push and pull against a real moto_server: tags, digests and tag immutability as AWS has them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EcrRegistryTest {
    private TestMotoServer moto;
    private Path dir;
    private ImageStore store;
    private EcrRegistry registry;
    private Image v1;
    private Image v2;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        moto = TestMotoServer.start();
        store = new ImageStore(dir.resolve("images"));
        registry = new EcrRegistry(moto.aws(), store);
        ImageSource source = TestImages.context(dir.resolve("app"), "FROM eclipse-temurin:17-jre\nCOPY app.jar /app/app.jar\n"
                + "ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]\n", Map.of("app.jar", "app"));
        ImageBuilder builder = new ImageBuilder(store);
        v1 = builder.build(source, Map.of("APP_VERSION", "v1"));
        v2 = builder.build(source, Map.of("APP_VERSION", "v2"));
        for (ImageTagMutability mutability : new ImageTagMutability[] {ImageTagMutability.MUTABLE, ImageTagMutability.IMMUTABLE}) {
            moto.aws().ecr().createRepository(r -> r.repositoryName("app-" + mutability.toString().toLowerCase()).imageTagMutability(mutability));
        }
    }

    @AfterAll
    void stop() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void pushThenResolveByTagAndByDigestInAMutableRepository() {
        PushResult pushed = registry.push("app-mutable", "v1", v1);

        assertThat(pushed.alreadyPresent()).isFalse();
        assertThat(pushed.digest()).isEqualTo(v1.digest());
        assertThat(pushed.imageUri()).matches("\\d{12}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/app-mutable:v1");
        assertThat(registry.resolve(pushed.imageUri())).isEqualTo(v1);
        assertThat(registry.resolve(pushed.pinnedUri())).isEqualTo(v1);
        assertThat(registry.resolve(pushed.pinnedUri()).layers()).isNotEmpty().allSatisfy(layer -> assertThat(layer).exists());

        int before = moto.aws().mutatingCalls();
        PushResult again = registry.push("app-mutable", "v1", v1);
        assertThat(again.alreadyPresent()).isTrue();
        assertThat(again.digest()).isEqualTo(v1.digest());
        assertThat(moto.aws().mutatingCalls()).as("re-pushing an unchanged tag changes nothing").isEqualTo(before);
    }

    @Test
    void aMutableTagMovesToTheNewImageAndTheOldOneStaysUntagged() {
        moto.aws().ecr().createRepository(r -> r.repositoryName("app-moving"));
        registry.push("app-moving", "latest", v1);
        PushResult moved = registry.push("app-moving", "latest", v2);

        assertThat(moved.alreadyPresent()).isFalse();
        assertThat(registry.resolve(moved.imageUri())).isEqualTo(v2);
        assertThat(registry.digestOfTag("app-moving", "latest")).contains(v2.digest());
        // As in AWS, the image the tag named is still there, untagged, pullable by digest (moto deletes it; the registry restores it).
        assertThat(registry.resolve(moved.imageUri().replace(":latest", "@" + v1.digest()))).isEqualTo(v1);
        var old = moto.aws().ecr().describeImages(r -> r.repositoryName("app-moving")
                .imageIds(i -> i.imageDigest(v1.digest()))).imageDetails().get(0);
        assertThat(old.imageTags()).isEmpty();
    }

    @Test
    void anImmutableTagCannotBeMovedButTheSameImageIsANoOp() {
        PushResult first = registry.push("app-immutable", "v1", v1);
        assertThat(first.alreadyPresent()).isFalse();
        assertThat(registry.push("app-immutable", "v1", v1).alreadyPresent()).isTrue();

        assertThatThrownBy(() -> registry.push("app-immutable", "v1", v2))
                .isInstanceOfSatisfying(ImageTagAlreadyExistsException.class, e -> {
                    assertThat(e.repository()).isEqualTo("app-immutable");
                    assertThat(e.tag()).isEqualTo("v1");
                    assertThat(e.existingDigest()).isEqualTo(v1.digest());
                    assertThat(e.pushedDigest()).isEqualTo(v2.digest());
                })
                .hasMessageContaining("app-immutable:v1").hasMessageContaining(v1.digest())
                .hasMessageContaining("push a new tag; tags are immutable in app-immutable");
        assertThat(registry.resolve(first.imageUri())).as("the tag still names the first image").isEqualTo(v1);

        // Another tag for the new image is fine, and the same image may carry several tags.
        assertThat(registry.push("app-immutable", "v2", v2).alreadyPresent()).isFalse();
        assertThat(registry.push("app-immutable", "stable", v1).alreadyPresent()).isFalse();
        assertThat(registry.resolve(first.imageUri().replace(":v1", ":stable"))).isEqualTo(v1);
    }

    @Test
    void resolveNamesWhatIsMissing() {
        PushResult pushed = registry.push("app-mutable", "present", v1);
        String registryHost = pushed.imageUri().substring(0, pushed.imageUri().indexOf('/'));

        assertThatThrownBy(() -> registry.resolve(registryHost + "/no-such-repo:v1"))
                .isInstanceOfSatisfying(EcrRegistryException.class, e -> assertThat(e.reason()).isEqualTo(EcrRegistryException.Reason.REPOSITORY_NOT_FOUND))
                .hasMessageContaining("'no-such-repo' does not exist");
        assertThatThrownBy(() -> registry.resolve(registryHost + "/app-mutable:nope"))
                .isInstanceOfSatisfying(EcrRegistryException.class, e -> assertThat(e.reason()).isEqualTo(EcrRegistryException.Reason.IMAGE_NOT_FOUND))
                .hasMessageContaining("no tag 'nope'").hasMessageContaining("present");
        assertThatThrownBy(() -> registry.resolve(registryHost + "/app-mutable@sha256:" + "1".repeat(64)))
                .isInstanceOfSatisfying(EcrRegistryException.class, e -> assertThat(e.reason()).isEqualTo(EcrRegistryException.Reason.IMAGE_NOT_FOUND));
        assertThatThrownBy(() -> registry.resolve("app-mutable:v1"))
                .isInstanceOfSatisfying(EcrRegistryException.class, e -> assertThat(e.reason()).isEqualTo(EcrRegistryException.Reason.INVALID_URI))
                .hasMessageContaining("not an ECR image URI");
        assertThatThrownBy(() -> registry.resolve(pushed.imageUri().replace("us-east-1", "eu-west-1")))
                .hasMessageContaining("region eu-west-1");

        // Known to ECR, but pushed from another run's store: its artifact is not here.
        EcrRegistry elsewhere = new EcrRegistry(moto.aws(), new ImageStore(dir.resolve("other-run")));
        assertThatThrownBy(() -> elsewhere.resolve(pushed.imageUri()))
                .isInstanceOfSatisfying(EcrRegistryException.class, e -> assertThat(e.reason()).isEqualTo(EcrRegistryException.Reason.NOT_IN_LOCAL_STORE))
                .hasMessageContaining(v1.digest()).hasMessageContaining("Fix");
    }

    @Test
    void pushToAMissingRepositoryNamesIt() {
        assertThatThrownBy(() -> registry.push("not-provisioned", "v1", v1))
                .isInstanceOfSatisfying(EcrRegistryException.class, e -> assertThat(e.reason()).isEqualTo(EcrRegistryException.Reason.REPOSITORY_NOT_FOUND))
                .hasMessageContaining("'not-provisioned' does not exist").hasMessageContaining("provision");
        assertThatThrownBy(() -> registry.push("app-mutable", "bad tag", v1)).hasMessageContaining("'bad tag' is not a valid image tag");
    }

    @Test
    void imageUrisParse() {
        ImageReference tagged = ImageReference.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1.2");
        assertThat(tagged).isEqualTo(new ImageReference("123456789012", "eu-west-1", "team/app", "v1.2", null));
        ImageReference pinned = ImageReference.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "a".repeat(64));
        assertThat(pinned.byDigest()).isTrue();
        assertThat(pinned.repository()).isEqualTo("app");
        assertThat(pinned.toString()).isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "a".repeat(64));
    }
}
