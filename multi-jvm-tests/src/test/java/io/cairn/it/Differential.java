package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one scenario against a fresh real etcd and then a fresh Cairn (same flags, same ports, one
 * after the other, so URLs printed by etcdctl are identical), normalizes both transcripts with
 * {@link Normalizer} and asserts they are equal, printing a line diff. Raw and normalized transcripts
 * are written to {@code target/it-transcripts/<Class>.<scenario>.<server>[.raw].txt}.
 *
 * <p>Which servers run: {@code -Dcairn.it.servers=etcd,cairn} (default both). With only one server the
 * scenario's own behavioural checks still run (useful to validate scenarios against etcd alone).
 */
public final class Differential {

    public interface Scenario {
        void run(Session s) throws Exception;
    }

    private final String owner;
    private final int clientPort;
    private final int peerPort;

    public Differential(Class<?> owner) {
        this.owner = owner.getSimpleName();
        int[] ports = ServerProcess.freePorts(2);
        this.clientPort = ports[0];
        this.peerPort = ports[1];
    }

    public static List<ServerProcess.Kind> servers() {
        List<ServerProcess.Kind> kinds = new ArrayList<>();
        for (String s : System.getProperty("cairn.it.servers", "etcd,cairn").split(",")) {
            if (!s.isBlank()) kinds.add(ServerProcess.Kind.valueOf(s.trim().toUpperCase()));
        }
        return kinds;
    }

    public ServerProcess freshServer(String scenario, ServerProcess.Kind kind, String... extra) {
        Path dir = ServerProcess.moduleTarget().resolve("it").resolve(owner).resolve(scenario).resolve(kind.label());
        return ServerProcess.fresh(kind, dir, clientPort, peerPort, extra);
    }

    public void run(String scenario, Scenario body) {
        run(scenario, Set.of("mylock", "myelection"), body);
    }

    public void run(String scenario, Set<String> leaseKeyPrefixes, Scenario body) {
        Map<ServerProcess.Kind, String> normalized = new LinkedHashMap<>();
        Map<ServerProcess.Kind, Throwable> failures = new LinkedHashMap<>();
        for (ServerProcess.Kind kind : servers()) {
            ServerProcess server = freshServer(scenario, kind);
            Session session = null;
            try {
                server.start();
                session = new Session(server, server.dataDir().getParent().resolve("work"));
                body.run(session);
            } catch (Throwable t) {
                if (kind == ServerProcess.Kind.ETCD) {
                    server.close();
                    throw new AssertionError("scenario '" + scenario + "' failed against the REAL etcd "
                            + "(scenario or environment bug): " + t.getMessage(), t);
                }
                failures.put(kind, t);
            } finally {
                server.close();
            }
            if (session != null) {
                String raw = session.transcript();
                String norm = session.normalizer(leaseKeyPrefixes).normalize(raw);
                normalized.put(kind, norm);
                write(scenario, kind, ".raw", raw);
                write(scenario, kind, "", norm);
            }
        }
        String etcd = normalized.get(ServerProcess.Kind.ETCD);
        String cairn = normalized.get(ServerProcess.Kind.CAIRN);
        Throwable cairnFailure = failures.get(ServerProcess.Kind.CAIRN);
        if (cairnFailure != null) {
            AssertionError e = new AssertionError("scenario '" + scenario + "' failed against Cairn: "
                    + cairnFailure.getMessage()
                    + (etcd != null && cairn != null ? "\nDiff so far (- etcd, + cairn):\n" + Normalizer.diff(etcd, cairn) : ""),
                    cairnFailure);
            throw e;
        }
        if (etcd != null && cairn != null && !etcd.equals(cairn)) {
            assertEquals(etcd, cairn, "scenario '" + scenario + "': Cairn's etcdctl transcript differs from etcd's "
                    + "(normalized). Diff (- etcd, + cairn):\n" + Normalizer.diff(etcd, cairn));
        }
    }

    private void write(String scenario, ServerProcess.Kind kind, String suffix, String text) {
        try {
            Path dir = ServerProcess.moduleTarget().resolve("it-transcripts");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(owner + "." + scenario + "." + kind.label() + suffix + ".txt"), text);
        } catch (IOException e) {
            // transcripts are a debugging aid only
        }
    }
}
