package dev.preflight.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.alb.TargetHealth;
import dev.preflight.alb.TargetState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** DescribeTargetHealth in ELBv2's Query XML, and how the front tells Query calls apart. */
class ElbAnswersTest {

    @Test
    void describeTargetHealthIsAwsXmlWithReasonsOnlyWhereTheStateHasOne() throws Exception {
        String xml = ElbAnswers.describeTargetHealth(List.of(
                new ElbAnswers.TargetDescription("10.0.10.14", 41234, "41234", new TargetHealth(TargetState.HEALTHY, null, null)),
                new ElbAnswers.TargetDescription("10.0.10.15", 41235, "41235", new TargetHealth(TargetState.UNHEALTHY,
                        "Target.ResponseCodeMismatch", "Health checks failed with these codes: [500]"))), "req-1");

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("DescribeTargetHealthResponse");
        assertThat(root.getNamespaceURI()).isEqualTo(ElbAnswers.NAMESPACE);
        NodeList members = root.getElementsByTagName("member");
        assertThat(members.getLength()).isEqualTo(2);
        Element healthy = (Element) members.item(0);
        assertThat(text(healthy, "Id")).isEqualTo("10.0.10.14");
        assertThat(text(healthy, "Port")).isEqualTo("41234");
        assertThat(text(healthy, "HealthCheckPort")).isEqualTo("41234");
        assertThat(text(healthy, "State")).isEqualTo("healthy");
        assertThat(healthy.getElementsByTagName("Reason").getLength()).isZero();
        Element unhealthy = (Element) members.item(1);
        assertThat(text(unhealthy, "State")).isEqualTo("unhealthy");
        assertThat(text(unhealthy, "Reason")).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(text(unhealthy, "Description")).isEqualTo("Health checks failed with these codes: [500]");
        assertThat(text(root, "RequestId")).isEqualTo("req-1");
        assertThat(root.getElementsByTagName("DescribeTargetHealthResult").getLength()).isEqualTo(1);
    }

    @Test
    void textIsEscaped() {
        assertThat(ElbAnswers.escape("a<b>&\"c'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&apos;");
    }

    @Test
    void queryParametersAreDecodedAndTheSignedServiceIsRead() {
        assertThat(QueryParameters.parse("Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelb%2Ftg&Empty="))
                .containsEntry("Action", "DescribeTargetHealth")
                .containsEntry("TargetGroupArn", "arn:aws:elb/tg")
                .containsEntry("Empty", "");
        assertThat(QueryParameters.signedService("AWS4-HMAC-SHA256 Credential=preflight/20260102/eu-west-1/elasticloadbalancing/"
                + "aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")).isEqualTo("elasticloadbalancing");
        assertThat(QueryParameters.signedService(null)).isNull();
        assertThat(QueryParameters.signedService("Bearer x")).isNull();
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent();
    }
}
