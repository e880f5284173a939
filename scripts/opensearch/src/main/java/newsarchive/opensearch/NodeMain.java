package newsarchive.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * One OpenSearch node on loopback, with the modules the archive needs loaded from the classpath
 * (the distribution would load them from its modules/ folder, which Maven artifacts do not have).
 *
 * Usage: NodeMain CLUSTER NAME HOME HTTP_PORT TRANSPORT_PORT SEED_PORTS MASTER_NAMES
 *   SEED_PORTS: comma-separated transport ports of every node of the cluster (the node's own included)
 *   MASTER_NAMES: comma-separated node names that bootstrap the first cluster-manager election
 */
public final class NodeMain {
    private static final String[] PLUGINS = {
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
    };

    /** Node's constructor taking classpath plugins is protected: this subclass only opens it. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment env, List<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: NodeMain CLUSTER NAME HOME HTTP_PORT TRANSPORT_PORT SEED_PORTS MASTER_NAMES");
            System.exit(2);
        }
        String cluster = args[0];
        args = java.util.Arrays.copyOfRange(args, 1, args.length);
        String name = args[0];
        Path home = Paths.get(args[1]).toAbsolutePath();
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("config"));
        List<String> seeds = new ArrayList<>();
        for (String port : args[4].split(",")) {
            seeds.add("127.0.0.1:" + port.trim());
        }
        List<String> masters = new ArrayList<>();
        for (String m : args[5].split(",")) {
            masters.add(m.trim());
        }
        Settings settings = Settings.builder()
            .put("cluster.name", cluster)
            .put("node.name", name)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", args[2])
            .put("transport.port", args[3])
            .putList("discovery.seed_hosts", seeds)
            .putList("cluster.initial_cluster_manager_nodes", masters)
            // a test machine's disk is often more than 90 % full: do not refuse shards for that
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // deleting indices by wildcard (the tests' clean-up) is allowed
            .put("action.destructive_requires_name", false)
            .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> name);
        LogConfigurator.configureWithoutConfig(env.settings());

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String cls : PLUGINS) {
            plugins.add(Class.forName(cls).asSubclass(Plugin.class));  // a missing jar fails here, by class name
        }
        Node node = new ClasspathNode(env, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();  // flushes and releases the data dir lock: a SIGTERM is a clean stop
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        node.start();
        System.out.println("newsarchive-opensearch: node " + name + " started, http 127.0.0.1:" + args[2]);
        stopped.await();
    }
}
