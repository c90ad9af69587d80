package io.cairn.it.ops;

import io.cairn.it.Await;
import io.cairn.it.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;

/**
 * Debian's dnsmasq as the test's own DNS server on a free loopback port: SRV and host records given as dnsmasq's
 * --srv-host and --host-record options, nothing else answered (--no-resolv --no-hosts, the test domain local so
 * unknown names get NXDOMAIN at once). {@link #close()} kills it.
 */
final class Dnsmasq implements AutoCloseable {
    static final String BIN = System.getProperty("dnsmasq.bin", "/usr/sbin/dnsmasq");

    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** A record set under {@code domain}: {@code srv("_etcd-server._tcp", "infra1", 2380)}, {@code host("infra1")}. */
    static final class Records {
        private final String domain;
        private final List<String> options = new ArrayList<>();

        Records(String domain) {
            this.domain = domain;
        }

        Records srv(String service, String target, int port) {
            options.add("--srv-host=" + service + "." + domain + "," + target + "." + domain + "," + port + ",0,0");
            return this;
        }

        Records host(String name, String ip) {
            options.add("--host-record=" + name + "." + domain + "," + ip);
            return this;
        }
    }

    static Dnsmasq start(Path dir, Records records) {
        if (!Files.isExecutable(Path.of(BIN))) {
            throw new AssertionError(BIN + " not found: install Debian's dnsmasq (apt-get install -y dnsmasq)");
        }
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("dnsmasq.log");
            int port = LoopbackPorts.udpAndTcp();
            List<String> cmd = new ArrayList<>(List.of(BIN, "--no-daemon", "--port=" + port,
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                    "--log-queries", "--pid-file=", "--local=/" + records.domain + "/"));
            cmd.addAll(records.options);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Dnsmasq d = new Dnsmasq(p, port, log);
            d.awaitAnswering(records.domain);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** The server as --discovery-srv-nameserver / ETCD_DISCOVERY_SRV_NAMESERVER want it. */
    String nameserver() {
        return "127.0.0.1:" + port;
    }

    /** Waits (bounded) until the server answers a query (JNDI's DNS client, independent of Cairn's). */
    private void awaitAnswering(String domain) {
        String last = Await.until(Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("dnsmasq exited with " + process.exitValue() + ": " + logText());
            }
            try {
                lookup("SOA", domain);
                return null;
            } catch (javax.naming.NameNotFoundException e) {
                return null; // NXDOMAIN is an answer
            } catch (NamingException e) {
                return e.toString();
            }
        });
        if (last == null) return;
        close();
        throw new AssertionError("dnsmasq did not answer within 20 s: " + last + "\n" + logText());
    }

    /** The answers to one query, as text ("0 0 2380 infra1.example.test."). */
    List<String> lookup(String type, String name) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", "dns://127.0.0.1:" + port);
        env.put("com.sun.jndi.dns.timeout.initial", "500");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        InitialDirContext ctx = new InitialDirContext(env);
        try {
            Attribute a = ctx.getAttributes(name, new String[] {type}).get(type);
            List<String> out = new ArrayList<>();
            if (a != null) {
                for (int i = 0; i < a.size(); i++) out.add(String.valueOf(a.get(i)));
            }
            return out;
        } finally {
            ctx.close();
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
