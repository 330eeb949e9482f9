package dev.preflight.faults;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of one engine (PostgreSQL, Redis) that tasks reach it through, with the faults
 * of a bad network day: {@link #cutOff} (the engine unreachable: every connection closed, new ones
 * closed as they come, until {@link #restore}), {@link #latency} (each chunk delayed, both ways) and
 * {@link #resetConnections} (every open connection reset once, RST). Listens on 127.0.0.1 only; one
 * event loop thread. Each fault is kept with its start and end, for the report's timeline.
 */
public final class FaultProxy implements AutoCloseable {
    /** A fault while it lasted; {@code end} null while it lasts. */
    public record Fault(String label, Instant start, Instant end) {
    }

    private final String name;
    private final InetSocketAddress target;
    private final EventLoopGroup loop = new NioEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Fault> faults = new ArrayList<>();
    private final Channel server;
    private volatile boolean down;
    private volatile long latencyMillis;

    private FaultProxy(String name, String targetHost, int targetPort) throws InterruptedException {
        this.name = name;
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true).childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                        inbound.pipeline().addLast(new Inbound());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** A proxy to {@code targetHost:targetPort}, passing everything through until a fault is set. */
    public static FaultProxy start(String name, String targetHost, int targetPort) {
        try {
            return new FaultProxy(name, targetHost, targetPort);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the fault proxy for " + name + " did not start: interrupted");
        }
    }

    public String name() {
        return name;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The engine unreachable: open connections are closed, new ones closed as they are accepted. */
    public synchronized void cutOff() {
        down = true;
        begin(name + " unreachable");
        connections.close();
    }

    /** Every open connection reset (RST), once; new ones pass. */
    public synchronized void resetConnections() {
        Instant now = Instant.now();
        faults.add(new Fault(name + " connections reset", now, now));
        for (Channel c : connections) {
            // On the channel's own loop: a connection closing meanwhile is skipped, not an error
            // (setting SO_LINGER on a socket that has just closed throws "Socket is closed").
            c.eventLoop().execute(() -> {
                if (c.isOpen()) {
                    c.config().setOption(ChannelOption.SO_LINGER, 0);
                    c.close();
                }
            });
        }
    }

    /** Every chunk, both ways, delayed by {@code delay} from now on. */
    public synchronized void latency(Duration delay) {
        latencyMillis = Math.max(0, delay.toMillis());
        begin(name + " +" + latencyMillis + " ms latency");
    }

    /** Back to normal: reachable, no added latency. */
    public synchronized void restore() {
        down = false;
        latencyMillis = 0;
        Instant now = Instant.now();
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i).end() == null) {
                faults.set(i, new Fault(faults.get(i).label(), faults.get(i).start(), now));
            }
        }
    }

    public synchronized List<Fault> faults() {
        return List.copyOf(faults);
    }

    private void begin(String label) {
        faults.add(new Fault(label, Instant.now(), null));
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One client connection: opens its own to the engine, then relays both ways. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        private Channel outbound;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel inbound = ctx.channel();
            if (down) {
                inbound.close();
                return;
            }
            connections.add(inbound);
            outbound = new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.AUTO_READ, false)
                    .handler(new Relay(inbound)).connect(target).addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            connections.add(f.channel());
                            inbound.read();
                        } else {
                            inbound.close();
                        }
                    }).channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            forward(msg, outbound, ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(outbound);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The engine's side of one connection: what it sends goes back to the client. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel inbound;

        Relay(Channel inbound) {
            this.inbound = inbound;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            forward(msg, inbound, ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(inbound);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes to {@code to} (later, with latency set), then reads the next chunk from {@code from}. */
    private void forward(Object msg, Channel to, Channel from) {
        Runnable write = () -> to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                from.read();
            } else {
                f.channel().close();
            }
        });
        long delay = latencyMillis;
        if (delay > 0) {
            from.eventLoop().schedule(write, delay, TimeUnit.MILLISECONDS);
        } else {
            write.run();
        }
    }

    private static void closeOnFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
