package io.ezthrottle.bench.stub;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A loopback HTTP server on Netty for benchmarks: an upstream API or a webhook receiver that can take tens of
 * thousands of requests a second and listen on thousands of ports at once (one destination per port). It records
 * every request's arrival time and port, and answers through a {@link Responder}.
 */
public final class NettyStub implements AutoCloseable {

    /** One request as it arrived. {@code uri} is the path with its query. */
    public record Arrival(int port, long nanos, long millis, String method, String uri, String body) {

        /** The value of query parameter {@code name}, or null. */
        public String query(String name) {
            int q = uri.indexOf('?');
            if (q < 0) {
                return null;
            }
            for (String pair : uri.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return pair.substring(eq + 1);
                }
            }
            return null;
        }
    }

    /** What to answer. {@code close} ends the connection after the answer (no keep-alive). */
    public record Answer(int status, Map<String, String> headers, String body, boolean close) {
        public static Answer ok() {
            return new Answer(200, Map.of(), "{\"ok\":true}", false);
        }

        public static Answer status(int status, Map<String, String> headers) {
            return new Answer(status, headers, "{\"status\":" + status + "}", false);
        }
    }

    /** Decides the answer to one request (called on a Netty event loop: must not block). */
    @FunctionalInterface
    public interface Responder {
        Answer answer(Arrival request);
    }

    private final EventLoopGroup group;
    private final List<Channel> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final LongAdder count = new LongAdder();
    private final boolean keepBodies;
    private volatile Responder responder = r -> Answer.ok();
    private volatile boolean recording = true;

    private NettyStub(int threads, boolean keepBodies) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.keepBodies = keepBodies;
    }

    /** A stub listening on {@code portCount} free loopback ports. */
    public static NettyStub start(int portCount, int threads) {
        return start(portCount, threads, false);
    }

    /** As {@link #start(int, int)}; with {@code keepBodies} each arrival keeps its request body (webhooks). */
    public static NettyStub start(int portCount, int threads, boolean keepBodies) {
        NettyStub stub = new NettyStub(threads, keepBodies);
        stub.bind(portCount);
        return stub;
    }

    private void bind(int portCount) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4 * 1024 * 1024),
                                new Handler());
                    }
                });
        List<ChannelFuture> futures = new ArrayList<>(portCount);
        for (int i = 0; i < portCount; i++) {
            futures.add(bootstrap.bind("127.0.0.1", 0));
        }
        for (ChannelFuture f : futures) {
            Channel channel = f.syncUninterruptibly().channel();
            servers.add(channel);
            ports.add(((InetSocketAddress) channel.localAddress()).getPort());
        }
    }

    public NettyStub respond(Responder responder) {
        this.responder = responder;
        return this;
    }

    /** Whether arrivals are kept (counting goes on either way). */
    public NettyStub recording(boolean on) {
        this.recording = on;
        return this;
    }

    public int port() {
        return ports.get(0);
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    public String url(String pathAndQuery) {
        return url(0, pathAndQuery);
    }

    /** URL on the {@code index}-th port, e.g. {@code http://127.0.0.1:41234/p?i=3}. */
    public String url(int index, String pathAndQuery) {
        return "http://127.0.0.1:" + ports.get(index) + pathAndQuery;
    }

    public long count() {
        return count.sum();
    }

    /** The arrivals recorded so far, in arrival order (roughly: two event loops may interleave by microseconds). */
    public List<Arrival> arrivals() {
        return new ArrayList<>(arrivals);
    }

    public void clear() {
        arrivals.clear();
        count.reset();
    }

    /** Polls until at least {@code n} requests arrived or {@code timeout} passed; returns whether they did. */
    public boolean awaitCount(long n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(20_000_000L);
        }
        return true;
    }

    @Override
    public void close() {
        servers.forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
            String body = keepBodies ? request.content().toString(StandardCharsets.UTF_8) : null;
            Arrival arrival = new Arrival(port, System.nanoTime(), System.currentTimeMillis(), request.method().name(),
                    request.uri(), body);
            count.increment();
            if (recording) {
                arrivals.add(arrival);
            }
            Answer answer;
            try {
                answer = responder.answer(arrival);
            } catch (RuntimeException e) {
                answer = new Answer(500, Map.of(), e.toString(), false);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            answer.headers().forEach((k, v) -> response.headers().set(k, v));
            boolean close = answer.close() || !HttpUtil.isKeepAlive(request);
            if (close) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
