package dev.preflight.alb;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's data plane: Jetty's reverse {@link ProxyHandler} (which streams bodies both ways
 * and drops hop-by-hop headers) with the ALB's decisions put in its hooks: the rule picks the target
 * group, the group picks the target, ALB's X-Forwarded-* headers replace Jetty's Via/Forwarded, and
 * every failure becomes ALB's 502 or 504, counted in the group's metrics.
 */
final class Forwarder extends ProxyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final String EXCHANGE = Forwarder.class.getName() + ".exchange";
    private static final String TRACE_ID = "X-Amzn-Trace-Id";
    private static final byte[] TRACE_PREFIX = "Root=1-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final HttpField FORWARDED_PROTO = new HttpField(HttpHeader.X_FORWARDED_PROTO, "http");

    private final String where;
    private final ListenerRules rules;
    private final Map<String, TargetGroupRuntime> groups;
    private final AccessLog accessLog;
    private final long idleTimeoutMillis;
    private final Duration connectTimeout;
    private final Executor executor;
    private final Scheduler scheduler;
    private volatile PortField portField;

    Forwarder(String where, ListenerRules rules, Map<String, TargetGroupRuntime> groups, AccessLog accessLog,
              long idleTimeoutMillis, Duration connectTimeout, Executor executor, Scheduler scheduler) {
        this.where = where;
        this.rules = rules;
        this.groups = groups;
        this.accessLog = accessLog;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.connectTimeout = connectTimeout;
        this.executor = executor;
        this.scheduler = scheduler;
    }

    /**
     * Nothing here blocks: routing reads an immutable view and takes two short monitors, the request
     * towards the target is sent asynchronously, and the answers the load balancer makes itself are
     * written asynchronously. Saying so lets Jetty run a request on the selector thread that read it
     * instead of handing it to another thread (on two cores each hand-off is a context switch).
     */
    @Override
    public Invocable.InvocationType getInvocationType() {
        return Invocable.InvocationType.NON_BLOCKING;
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setConnectTimeout(connectTimeout);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        // the target's answer is copied to the client by asynchronous writes (ProxyHandler's listener
        // and the hooks below): it too can be handled on the selector thread that read it
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        return client;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(idleTimeoutMillis); // pooled keep-alive connections to targets, as ALB's idle timeout
        client.setMaxConnectionsPerDestination(1024); // ALB does not queue in front of a target
        client.setMaxRequestsQueuedPerDestination(8192);
        client.setUserAgentField(null); // pass the client's User-Agent through, add none
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String groupName = rules.targetGroupFor(request.getHeaders().get(HttpHeader.HOST), request.getHttpURI().getPath());
        TargetGroupRuntime group = groups.get(groupName);
        Exchange exchange = group.route();
        if (exchange == null) {
            group.metrics().recordElbError(503, null, "no target to route to");
            ElbResponses.write(response, 503, callback);
            return true;
        }
        group.metrics().recordRouted(exchange.target().id());
        String traceRoot = AccessLog.rootOf(request.getHeaders().get(TRACE_ID));
        if (traceRoot != null) {
            accessLog.record(traceRoot, exchange.target().id());
        }
        request.setAttribute(EXCHANGE, exchange);
        // The listener connection's idle timeout must not end a request the target is still
        // working on: the target-side idle timeout decides that, with a 504.
        request.addIdleTimeoutListener(timeout -> false);
        try {
            return super.handle(request, response, callback);
        } catch (RuntimeException | Error e) {
            exchange.finish();
            throw e;
        }
    }

    /**
     * The path and query stay the client's (ALB rewrites neither); scheme, host and port are the
     * chosen target's, which {@link #newProxyToServerRequest} takes from the exchange, so no URI is
     * built here.
     */
    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        return request.getHttpURI();
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI clientUri) {
        Exchange exchange = exchange(request);
        org.eclipse.jetty.client.Request proxyRequest = getHttpClient()
                .newRequest(exchange.target().uri()) // the target's http://host:port, parsed once per target
                .method(request.getMethod())
                .path(clientUri.getPathQuery())
                .idleTimeout(idleTimeoutMillis, TimeUnit.MILLISECONDS)
                .onResponseBegin(r -> exchange.responseBegan());
        exchange.attach(proxyRequest);
        return proxyRequest;
    }

    /** ALB's headers instead of Jetty's Via and Forwarded: the client address appended, proto and port set. */
    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request proxyRequest) {
        String client = Request.getRemoteAddr(request);
        HttpField port = portField(Request.getLocalPort(request));
        proxyRequest.headers(headers -> {
            String forwardedFor = client;
            if (headers.contains(HttpHeader.X_FORWARDED_FOR)) { // the client came through proxies of its own
                String prior = headers.getFields(HttpHeader.X_FORWARDED_FOR).stream()
                        .map(HttpField::getValue).collect(Collectors.joining(", "));
                forwardedFor = prior.isBlank() ? client : prior + ", " + client;
            }
            headers.put(HttpHeader.X_FORWARDED_FOR, forwardedFor);
            headers.put(FORWARDED_PROTO);
            headers.put(port);
            if (!headers.contains(TRACE_ID)) {
                headers.put(TRACE_ID, traceId());
            }
        });
    }

    private record PortField(int port, HttpField field) {
    }

    /** The listener's port never changes: its X-Forwarded-Port field is made once. */
    private HttpField portField(int port) {
        PortField cached = portField;
        if (cached == null || cached.port() != port) {
            cached = new PortField(port, new HttpField(HttpHeader.X_FORWARDED_PORT, Integer.toString(port)));
            portField = cached;
        }
        return cached.field();
    }

    @Override
    protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                  org.eclipse.jetty.client.Response targetResponse, Response response,
                                                  Callback callback, Throwable failure) {
        Exchange exchange = exchange(request);
        int status = exchange.wasCut() ? 502 : ElbResponses.statusFor(failure);
        if (exchange.finish()) {
            exchange.group().metrics().recordElbError(status, exchange.target().id(), describe(failure));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: {} {} to target {} failed, answering {}", where, request.getMethod(),
                    request.getHttpURI().getPathQuery(), exchange.target(), status, failure);
        }
        if (response.isCommitted()) {
            callback.failed(failure); // the body was under way: the client sees the connection cut, as with AWS
            return;
        }
        response.reset();
        ElbResponses.write(response, status, callback);
    }

    @Override
    protected void onProxyToClientResponseComplete(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                   org.eclipse.jetty.client.Response targetResponse, Response response,
                                                   Callback callback) {
        recordTargetAnswer(exchange(request), targetResponse);
        super.onProxyToClientResponseComplete(request, proxyRequest, targetResponse, response, callback);
    }

    @Override
    protected void onProxyToClientResponseFailure(Request request, org.eclipse.jetty.client.Request proxyRequest,
                                                  org.eclipse.jetty.client.Response targetResponse, Response response,
                                                  Callback callback, Throwable failure) {
        recordTargetAnswer(exchange(request), targetResponse); // the target answered; the client went away
        super.onProxyToClientResponseFailure(request, proxyRequest, targetResponse, response, callback, failure);
    }

    private static void recordTargetAnswer(Exchange exchange, org.eclipse.jetty.client.Response targetResponse) {
        if (exchange.finish() && targetResponse != null) {
            exchange.group().metrics().recordTargetResponse(targetResponse.getStatus(), exchange.targetResponseNanos());
        }
    }

    private Exchange exchange(Request request) {
        Exchange exchange = (Exchange) request.getAttribute(EXCHANGE);
        if (exchange == null) {
            throw new IllegalStateException(where + ": request " + request.getHttpURI() + " reached the proxy without a target");
        }
        return exchange;
    }

    /** "SocketTimeoutException: Connect Timeout <- ...": the exception chain, class and message each. */
    static String describe(Throwable failure) {
        StringBuilder s = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (s.length() > 0) {
                s.append(" <- ");
            }
            s.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                String message = t.getMessage().strip();
                s.append(": ").append(message.length() > 160 ? message.substring(0, 160) + "..." : message);
            }
        }
        return s.toString();
    }

    /** AWS's format: Root=1-{epoch seconds, 8 hex digits}-{96 random bits, 24 hex digits}. */
    private static String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return traceId(System.currentTimeMillis() / 1000, random.nextInt(), random.nextLong());
    }

    /**
     * {@code String.format("Root=1-%08x-%08x%016x", seconds, high, low)} without a Formatter (which
     * parses its pattern on every call: a few percent of the load balancer's time per request).
     */
    static String traceId(long epochSeconds, int high, long low) {
        if (epochSeconds < 0 || epochSeconds > 0xffff_ffffL) { // not before 2106
            return String.format("Root=1-%08x-%08x%016x", epochSeconds, high, low);
        }
        byte[] id = new byte[40];
        System.arraycopy(TRACE_PREFIX, 0, id, 0, TRACE_PREFIX.length);
        hex(epochSeconds, 8, id, 7);
        id[15] = '-';
        hex(high & 0xffff_ffffL, 8, id, 16);
        hex(low, 16, id, 24);
        return new String(id, StandardCharsets.US_ASCII);
    }

    private static void hex(long value, int digits, byte[] into, int at) {
        for (int i = digits - 1; i >= 0; i--) {
            into[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }
}
