package io.cairn.it.cluster;

import io.cairn.it.ServerProcess;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The fixture of the cluster test classes: each test method starts its own fresh cluster ({@link #startCluster}),
 * once per server of {@code -Dcairn.it.servers} ({@code @MethodSource("servers")}), and the cluster is stopped
 * after the method whatever its outcome.
 */
abstract class ClusterTestBase {

    ClusterProcesses cluster;

    static List<ServerProcess.Kind> servers() {
        return ClusterProcesses.servers();
    }

    /** Starts this test's fresh n-member cluster in {@code target/it/cluster/<class>/<test>/<server>}. */
    ClusterProcesses startCluster(ServerProcess.Kind kind, String test, int n, String... extraFlags) {
        cluster = ClusterProcesses.start(kind, ClusterProcesses.dirFor(getClass(), test, kind), n, extraFlags);
        return cluster;
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) cluster.close();
        cluster = null;
    }
}
