package io.ezthrottle.core.redis;

import java.net.URI;
import java.util.Arrays;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.TransportMode;

/**
 * Builds the Redisson client from {@code ezthrottle.redis.url}: {@code redis://[user:password@]host:port[/db]},
 * {@code rediss://} for TLS, or a comma-separated list of node URLs for Redis Cluster.
 */
public final class RedisClientFactory {

    private RedisClientFactory() {
    }

    public static RedissonClient create(String url, int connectionPoolSize) {
        return create(url, connectionPoolSize, config -> { });
    }

    /**
     * As {@link #create(String, int)}, with {@code tuning} applied last: a service with a hot Redis path (the webhook
     * dispatcher) sets its own threads and script caching.
     */
    public static RedissonClient create(String url, int connectionPoolSize, java.util.function.Consumer<Config> tuning) {
        Config config = new Config();
        config.setCodec(new org.redisson.client.codec.StringCodec());
        // Redisson's defaults (32 event loops, 16 listener threads) are sized for big servers. Replies complete the
        // reactive chains that wait on them, so most request work runs on these loops: more loops than cores only
        // adds context switches (measured: ~20 % less api CPU per submission on 2 cores).
        int cores = Runtime.getRuntime().availableProcessors();
        config.setNettyThreads(Math.max(2, cores));
        config.setThreads(Math.max(2, cores));
        if (epollAvailable()) {
            config.setTransportMode(TransportMode.EPOLL);
        }
        String[] nodes = url.split(",");
        if (nodes.length > 1) {
            ClusterServersConfig cluster = config.useClusterServers();
            Arrays.stream(nodes).map(String::trim).forEach(n -> cluster.addNodeAddress(address(n)));
            credentials(URI.create(nodes[0].trim()), cluster::setUsername, cluster::setPassword);
            cluster.setMasterConnectionPoolSize(connectionPoolSize);
        } else {
            URI uri = URI.create(url.trim());
            SingleServerConfig single = config.useSingleServer()
                    .setAddress(address(url.trim()))
                    .setConnectionPoolSize(connectionPoolSize)
                    .setConnectionMinimumIdleSize(Math.min(8, connectionPoolSize));
            credentials(uri, single::setUsername, single::setPassword);
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                single.setDatabase(Integer.parseInt(path.substring(1)));
            }
        }
        tuning.accept(config);
        return Redisson.create(config);
    }

    /** Native epoll is cheaper per read and write than NIO; used when its Linux library is on the classpath. */
    private static boolean epollAvailable() {
        try {
            return (Boolean) Class.forName("io.netty.channel.epoll.Epoll").getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static String address(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    private static void credentials(URI uri, java.util.function.Consumer<String> user,
                                    java.util.function.Consumer<String> password) {
        String info = uri.getUserInfo();
        if (info == null || info.isEmpty()) {
            return;
        }
        int colon = info.indexOf(':');
        if (colon < 0) {
            password.accept(info);
            return;
        }
        if (colon > 0) {
            user.accept(info.substring(0, colon));
        }
        password.accept(info.substring(colon + 1));
    }

}
