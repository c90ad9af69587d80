package io.cairn.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the member and etcd processes the tests start.
 *
 * <p>Why not "bind port 0 and release it": port 0 hands out a port from the kernel's ephemeral range
 * ({@code net.ipv4.ip_local_port_range}, 32768-60999 by default), the same range every outgoing connection
 * (etcdctl, Akka Artery between members, jetcd) takes its local port from. A member JVM needs seconds to start
 * and bind, and in that window an outgoing connection took the port: CI failed with "Bind failed because of
 * java.net.BindException: Address already in use" on a client port. So ports come from below the ephemeral
 * range, where no outgoing connection lands, from a cursor that never hands out the same port twice in one JVM
 * (a killed process's port is not reused by the next test).
 */
public final class LoopbackPorts {
    private static final int LOWEST = 10000;
    /** Ports well-known tools or defaults use; never hand them out. */
    private static final Set<Integer> RESERVED = Set.of(2379, 2380, 4001, 5353, 7001, 8558, 9090, 9100, 25520);
    private static final int HIGHEST = ephemeralLow() - 1;
    private static int cursor = LOWEST + ThreadLocalRandom.current().nextInt(HIGHEST - LOWEST);

    private LoopbackPorts() { }

    /** {@code n} distinct ports, each free for TCP on 127.0.0.1 when handed out. */
    public static synchronized int[] tcp(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = next(false);
        }
        return ports;
    }

    /** One port free for both UDP and TCP on 127.0.0.1 (a DNS server serves both). */
    public static synchronized int udpAndTcp() {
        return next(true);
    }

    private static int next(boolean udpToo) {
        int span = HIGHEST - LOWEST + 1;
        for (int tried = 0; tried < span; tried++) {
            int port = cursor;
            cursor = cursor == HIGHEST ? LOWEST : cursor + 1;
            if (!RESERVED.contains(port) && free(port, udpToo)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port in " + LOWEST + ".." + HIGHEST);
    }

    private static boolean free(int port, boolean udpToo) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (ServerSocket tcp = new ServerSocket()) {
            // No SO_REUSEADDR: a port with connections still in TIME_WAIT is skipped, not handed out.
            tcp.setReuseAddress(false);
            tcp.bind(address);
            if (udpToo) {
                try (DatagramSocket udp = new DatagramSocket(address)) {
                    return true;
                }
            }
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The kernel's lowest ephemeral port; 32768 (Linux's default) when it cannot be read. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : 32768;
        } catch (IOException | RuntimeException unreadable) {
            return 32768;
        }
    }
}
