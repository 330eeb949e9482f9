package dev.preflight.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsCallReaderTest {
    private final AwsCallReader reader = new AwsCallReader("eu-west-1", "123456789012");

    @Test
    void s3ObjectCallsNameTheObject() {
        assertThat(reader.read("s3", "PUT", "/shop-media/photos/a%20b.png", Map.of("x-id", "PutObject"), null, null))
                .isEqualTo(new AwsCall("s3:PutObject", "arn:aws:s3:::shop-media/photos/a b.png"));
        assertThat(reader.read("s3", "GET", "/shop-media/a.png", Map.of(), null, null))
                .isEqualTo(new AwsCall("s3:GetObject", "arn:aws:s3:::shop-media/a.png"));
        assertThat(reader.read("s3", "HEAD", "/shop-media/a.png", Map.of(), null, null).action()).isEqualTo("s3:GetObject");
        assertThat(reader.read("s3", "DELETE", "/shop-media/a.png", Map.of(), null, null).action()).isEqualTo("s3:DeleteObject");
        assertThat(reader.read("s3", "GET", "/shop-media/a.png", Map.of("tagging", ""), null, null).action()).isEqualTo("s3:GetObjectTagging");
        assertThat(reader.read("s3", "DELETE", "/shop-media/a.png", Map.of("uploadId", "u"), null, null).action())
                .isEqualTo("s3:AbortMultipartUpload");
    }

    @Test
    void s3BucketCallsNameTheBucket() {
        assertThat(reader.read("s3", "GET", "/shop-media", Map.of("list-type", "2"), null, null))
                .isEqualTo(new AwsCall("s3:ListBucket", "arn:aws:s3:::shop-media"));
        assertThat(reader.read("s3", "GET", "/shop-media/", Map.of(), null, null).action()).isEqualTo("s3:ListBucket");
        assertThat(reader.read("s3", "GET", "/shop-media", Map.of("location", ""), null, null).action()).isEqualTo("s3:GetBucketLocation");
        assertThat(reader.read("s3", "PUT", "/shop-media", Map.of("policy", ""), null, null).action()).isEqualTo("s3:PutBucketPolicy");
        assertThat(reader.read("s3", "POST", "/shop-media", Map.of("delete", ""), null, null))
                .isEqualTo(new AwsCall("s3:DeleteObject", "arn:aws:s3:::shop-media/*"));
        assertThat(reader.read("s3", "GET", "/", Map.of(), null, null)).isEqualTo(new AwsCall("s3:ListAllMyBuckets", null));
    }

    @Test
    void jsonCallsReadTheirResourceFromTheBody() {
        byte[] byName = "{\"SecretId\":\"shop-dev/app-key\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read("secretsmanager", "POST", "/", Map.of(), "secretsmanager.GetSecretValue", byName)).isEqualTo(
                new AwsCall("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-dev/app-key-??????"));
        byte[] byArn = "{\"SecretId\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read("secretsmanager", "POST", "/", Map.of(), "secretsmanager.GetSecretValue", byArn).resource())
                .isEqualTo("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf");
        byte[] logs = "{\"logGroupName\":\"/ecs/shop-dev/api\",\"logStreamName\":\"s\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read("logs", "POST", "/", Map.of(), "Logs_20140328.PutLogEvents", logs))
                .isEqualTo(new AwsCall("logs:PutLogEvents", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-dev/api:*"));
        assertThat(reader.read("dynamodb", "POST", "/", Map.of(), "DynamoDB_20120810.GetItem", "not json".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new AwsCall("dynamodb:GetItem", null));
    }

    @Test
    void queryAndCborCallsNameTheirAction() {
        assertThat(reader.read("monitoring", "POST", "/", Map.of("Action", "PutMetricData"), null, null))
                .isEqualTo(new AwsCall("monitoring:PutMetricData", null));
        assertThat(reader.read("monitoring", "POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData", Map.of(), null, null)
                .action()).isEqualTo("monitoring:PutMetricData");
        assertThat(reader.read("sqs", "POST", "/", Map.of("Action", "SendMessage", "QueueUrl", "http://h/123456789012/orders"), null, null))
                .isEqualTo(new AwsCall("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:orders"));
    }
}
