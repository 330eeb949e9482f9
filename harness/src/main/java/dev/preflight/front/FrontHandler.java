package dev.preflight.front;

import dev.preflight.iam.AwsCall;
import dev.preflight.iam.RecordedCall;
import dev.preflight.iam.TaskIdentity;
import dev.preflight.iam.TaskRoleAccess;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the front does with each call: the few it answers from the runtime are read whole and
 * answered in the service's wire format; everything else goes through Jetty's reverse
 * {@link ProxyHandler} to the engine unchanged (method, path, query, headers with the SigV4
 * Authorization and the Host the caller signed, bodies streamed both ways), adding no proxy headers;
 * only hop-by-hop headers and {@code Expect: 100-continue} (which the front answers itself) stay
 * behind.
 *
 * <p>Which call it is: ECS JSON 1.1 calls by their {@code X-Amz-Target}; ELBv2 Query calls by their
 * {@code Action} in the form body, read only for form bodies signed for {@code elasticloadbalancing}
 * (or not signed, as STS's AssumeRoleWithWebIdentity is).
 *
 * <p>This is the one place every call passes, so it is where a task's calls are judged against its
 * task role ({@link TaskRoleAccess}): a call signed with a task's credentials is read (S3's from its
 * method and path, before the body streams; JSON and Query calls from their body, read whole),
 * recorded, and in enforce mode answered with AccessDenied when the role does not allow it.
 */
final class FrontHandler extends ProxyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FrontHandler.class);
    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_BUFFERED_ANSWER = 64 * 1024 * 1024;
    private static final EnumSet<HttpHeader> NOT_COPIED_BACK = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE, HttpHeader.PROXY_AUTHENTICATE,
            HttpHeader.CONTENT_LENGTH);

    private final URI engine;
    private final EcsAnswers ecs;
    private final ElbAnswers elb;
    private final StsAnswers sts;
    /** Judges the calls of tasks signed with their task role's credentials; null when tasks get the engine's keys. */
    private final TaskRoleAccess access;
    private final String threadName;
    private final Scheduler scheduler;

    FrontHandler(URI engine, EcsAnswers ecs, ElbAnswers elb, StsAnswers sts, TaskRoleAccess access, String threadName, Scheduler scheduler) {
        this.engine = engine;
        this.access = access;
        this.ecs = ecs;
        this.elb = elb;
        this.sts = sts;
        this.threadName = threadName;
        this.scheduler = scheduler;
    }

    /**
     * Its own threads: calls the front answers wait on a server thread for the engine's answer, which
     * client threads read, so a burst of them cannot starve it.
     */
    @Override
    protected HttpClient newHttpClient() {
        QueuedThreadPool clientThreads = new QueuedThreadPool(32, 2);
        clientThreads.setName(threadName + "-client");
        clientThreads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(clientThreads);
        connector.setScheduler(scheduler);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(clientThreads);
        client.setScheduler(scheduler);
        return client;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setUserAgentField(null); // the caller's User-Agent passes, none is added
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(ENGINE_TIMEOUT.toMillis());
        client.setMaxConnectionsPerDestination(64);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        TaskIdentity caller = taskCaller(request);
        String target = request.getHeaders().get("X-Amz-Target");
        // S3 takes any Content-Type for an object, a form's too: only other services' forms are Query calls.
        boolean query = isForm(request) && !"s3".equals(QueryParameters.signedService(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
        if (caller != null && target == null && !query) {
            // REST (S3): the call is in the method, path and query; the body streams on if it is allowed.
            RecordedCall judged = access.judge(caller, read(request, null));
            if (judged.refused()) {
                write(AccessDeniedAnswers.of(AccessDeniedAnswers.Protocol.REST_XML, judged), response, callback);
                return true;
            }
        }
        if (target != null && target.startsWith(EcsAnswers.TARGET_PREFIX)
                && EcsAnswers.OPERATIONS.contains(target.substring(EcsAnswers.TARGET_PREFIX.length()))) {
            String operation = target.substring(EcsAnswers.TARGET_PREFIX.length());
            answer(request, response, callback, judged(caller, request, body -> ecs.answer(operation, body, forwarded(request))));
            return true;
        }
        if (query && mayBeElbQuery(request)) {
            answer(request, response, callback, judged(caller, request, body -> {
                Map<String, String> parameters = QueryParameters.parse(request.getHttpURI().getQuery());
                QueryParameters.parse(new String(body, StandardCharsets.UTF_8)).forEach(parameters::putIfAbsent);
                return StsAnswers.ACTION.equals(parameters.get("Action")) ? sts.answer(parameters, forwarded(request), body)
                        : elb.answer(parameters, forwarded(request), body);
            }));
            return true;
        }
        if (caller != null && (target != null || query)) {
            // JSON and Query calls carry their action and resource in the body: read it whole, judge, send it on.
            answer(request, response, callback, judged(caller, request, body -> forwarded(request).send(body)));
            return true;
        }
        return super.handle(withoutExpectContinue(request), response, callback);
    }

    /** The task whose role's credentials signed the call (header or presigned URL), or null. */
    private TaskIdentity taskCaller(Request request) {
        if (access == null) {
            return null;
        }
        String[] scope = QueryParameters.signedScope(request.getHeaders().get(HttpHeader.AUTHORIZATION), request.getHttpURI().getQuery());
        return scope.length >= 5 ? access.caller(scope[0]).orElse(null) : null;
    }

    /** Judges a task's JSON or Query call on its body before {@code next} answers it; refused, AccessDenied instead. */
    private Answerer judged(TaskIdentity caller, Request request, Answerer next) {
        if (caller == null) {
            return next;
        }
        return body -> {
            RecordedCall judged = access.judge(caller, read(request, body));
            if (judged.refused()) {
                return AccessDeniedAnswers.of(request.getHeaders().get("X-Amz-Target") != null ? AccessDeniedAnswers.Protocol.JSON
                        : AccessDeniedAnswers.Protocol.QUERY, judged);
            }
            return next.answer(body);
        };
    }

    private AwsCall read(Request request, byte[] body) {
        String[] scope = QueryParameters.signedScope(request.getHeaders().get(HttpHeader.AUTHORIZATION), request.getHttpURI().getQuery());
        String service = scope.length >= 5 ? scope[scope.length - 2] : "unknown";
        Map<String, String> parameters = QueryParameters.parse(request.getHttpURI().getQuery());
        String target = request.getHeaders().get("X-Amz-Target");
        if (body != null && target == null) {
            QueryParameters.parse(new String(body, StandardCharsets.UTF_8)).forEach(parameters::putIfAbsent);
        }
        String path = request.getHttpURI().getPath();
        return access.reader().read(service, request.getMethod(), path == null ? "/" : path, parameters, target, body);
    }

    /**
     * The front answers {@code Expect: 100-continue} itself (Jetty sends the 100 when the body is first
     * read) and streams the body to the engine without it: moto's server answers it with two 100s,
     * which leaves the request hanging.
     */
    private static Request withoutExpectContinue(Request request) {
        if (!request.getHeaders().contains(HttpHeader.EXPECT)) {
            return request;
        }
        HttpFields headers = HttpFields.build(request.getHeaders(), EnumSet.of(HttpHeader.EXPECT)).asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return headers;
            }
        };
    }

    /** A form body: an AWS Query call, its Action in the body. */
    private static boolean isForm(Request request) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** A form body signed for ELBv2 (or unsigned): the Action is in the body. */
    private static boolean mayBeElbQuery(Request request) {
        String service = QueryParameters.signedService(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        return service == null || "elasticloadbalancing".equals(service);
    }

    private interface Answerer {
        HttpAnswer answer(byte[] body);
    }

    /** Reads the caller's body whole, decides, and writes the answer whole. */
    private void answer(Request request, Response response, Callback callback, Answerer answerer) {
        HttpAnswer answer;
        try {
            ByteBuffer buffer = Content.Source.asByteBuffer(request);
            answer = answerer.answer(BufferUtil.toArray(buffer));
        } catch (IOException e) {
            callback.failed(e);
            return;
        } catch (EngineUnreachable e) {
            answer = new HttpAnswer(502, HttpFields.build().put(HttpHeader.CONTENT_TYPE, "text/plain").asImmutable(),
                    e.getMessage().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.warn("AWS front could not answer {} {}: {}", request.getMethod(), request.getHttpURI(), e.toString(), e);
            answer = new HttpAnswer(500, HttpFields.build().put(HttpHeader.CONTENT_TYPE, "text/plain").asImmutable(),
                    ("AWS front: " + e).getBytes(StandardCharsets.UTF_8));
        }
        write(answer, response, callback);
    }

    private static void write(HttpAnswer answer, Response response, Callback callback) {
        response.setStatus(answer.status());
        for (HttpField field : answer.headers()) {
            if (field.getHeader() == null || !NOT_COPIED_BACK.contains(field.getHeader())) {
                response.getHeaders().add(field);
            }
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    /** The caller's request to the engine as it came (headers included), with a body of the front's choosing. */
    private EngineCall forwarded(Request request) {
        return body -> {
            org.eclipse.jetty.client.Request out = getHttpClient().newRequest(rewriteHttpURI(request).toURI())
                    .method(request.getMethod())
                    .timeout(ENGINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            copyRequestHeaders(request, out);
            out.headers(h -> h.remove(HttpHeader.CONTENT_LENGTH).remove(HttpHeader.EXPECT));
            out.body(new BytesRequestContent(body));
            try {
                ContentResponse answer = new CompletableResponseListener(out, MAX_BUFFERED_ANSWER).send()
                        .get(ENGINE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                return new HttpAnswer(answer.getStatus(), answer.getHeaders(), answer.getContent());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineUnreachable(engine, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new EngineUnreachable(engine, e.getCause() != null ? e.getCause() : e);
            }
        };
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        return HttpURI.build(request.getHttpURI()).scheme(engine.getScheme()).host(engine.getHost()).port(engine.getPort());
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI targetUri) {
        return super.newProxyToServerRequest(request, targetUri).idleTimeout(ENGINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Unchanged: no Via, no Forwarded. */
    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request proxyRequest) {
    }

    /** The engine did not answer a call the front makes for its caller: the caller gets a 502. */
    static final class EngineUnreachable extends RuntimeException {
        EngineUnreachable(URI engine, Throwable cause) {
            super("AWS front: the AWS engine at " + engine + " did not answer: " + cause, cause);
        }
    }
}
