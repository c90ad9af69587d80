package io.cairn.it;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalizes an etcdctl transcript so that etcd's and Cairn's can be compared line by line.
 *
 * <p>Kept exact on purpose: keys, values, revisions (header revision, create/mod revision, compact
 * revision), versions of keys, counts, "more" flags, exit codes, error texts (stdout and stderr, incl.
 * the gRPC code and description etcdctl's retry interceptor logs), endpoints and URLs (both servers run
 * on the same ports, one after the other), member name, granted TTLs.
 *
 * <p>Masked, each because it legitimately differs between two correct servers:
 * <ul>
 * <li>Member ID and cluster ID (decimal in JSON, hex in simple/table) -> {@code <MEMBER_ID>} /
 *     {@code <CLUSTER_ID>}: both are learned from the server itself at session start, so the mask only
 *     hides the values, and consistency (header member_id == leader == member list ID) is still checked.
 *     etcd derives them from SHA-1 of peer URLs + cluster token; pass {@code -Dcairn.it.exactIds=true}
 *     to require Cairn to reproduce them exactly.</li>
 * <li>Lease IDs -> L1, L2... in order of first appearance (etcd's are time/member derived), in lease
 *     contexts only: {@code lease <hex> granted/keepalived/revoked/already expired}, lines after
 *     {@code found N leases} (also sorted: etcd prints them in Go map order), JSON {@code "ID"/"id"/"lease"},
 *     fields {@code "ID"/"Lease"}, lock/election keys {@code <prefix>/<hex>}, and tokens of etcdctl
 *     command lines equal to an already seen lease.</li>
 * <li>raft_term / RaftTerm, raftIndex, raftAppliedIndex: consensus-implementation details.</li>
 * <li>dbSize, dbSizeInUse, "25 kB" columns, snapshot sizes: storage-engine details.</li>
 * <li>hash values of hashkv: depend on the storage encoding (tests check stability across calls).</li>
 * <li>server version strings in status ("version":"3.4.23", VERSION column).</li>
 * <li>timings: "took", log timestamps "ts"; the client UUID in etcdctl's log target.</li>
 * <li>TTL remaining of a lease (remaining(Ns), timetolive "ttl"): wall clock; scenarios assert bounds.</li>
 * <li>Per-server work directory paths (snapshot file names) -> {@code <WORK>}.</li>
 * </ul>
 */
public final class Normalizer {

    private final String memberIdDec;
    private final String clusterIdDec;
    private final String endpoint;
    private final String workDir;
    private final Set<String> leaseKeyPrefixes;
    private final Map<BigInteger, String> leases = new LinkedHashMap<>();

    public Normalizer(String memberIdDec, String clusterIdDec, String endpoint, String workDir,
                      Set<String> leaseKeyPrefixes) {
        this.memberIdDec = memberIdDec;
        this.clusterIdDec = clusterIdDec;
        this.endpoint = endpoint;
        this.workDir = workDir;
        this.leaseKeyPrefixes = leaseKeyPrefixes;
    }

    static boolean exactIds() {
        return Boolean.getBoolean("cairn.it.exactIds");
    }

    private static final Pattern TS = Pattern.compile("\"ts\":(\"[^\"]*\"|[0-9.eE+-]+)");
    private static final Pattern CLIENT_UUID = Pattern.compile("client-[0-9a-f]{8}-[0-9a-f-]{27}");
    private static final Pattern TOOK_JSON = Pattern.compile("\"took\":(\"[^\"]*\"|[0-9.eE+-]+)");
    private static final Pattern TOOK_TEXT = Pattern.compile("took = \\S+");
    private static final Pattern SIZE_JSON = Pattern.compile("\"size\":\"[^\"]*\"");
    private static final Pattern JSON_NUM_MASKS = Pattern.compile(
            "\"(raft_term|raftTerm|raftIndex|raftAppliedIndex|dbSize|dbSizeInUse|hash)\":\\d+");
    private static final Pattern JSON_VERSION_STRING = Pattern.compile("\"version\":\"[^\"]*\"");
    private static final Pattern FIELDS_NUM_MASKS = Pattern.compile(
            "^\"(RaftTerm|RaftIndex|RaftAppliedIndex|DBSize|DBSizeInUse|Hash)\" : \\d+$");
    private static final Pattern FIELDS_VERSION_STRING = Pattern.compile("^\"Version\" : \"[^\"]*\"$");
    private static final Pattern REMAINING = Pattern.compile("remaining\\(\\d+s\\)");
    private static final Pattern TTL_JSON = Pattern.compile("\"ttl\":\\d+");
    private static final Set<String> MASKED_COLUMNS = Set.of("VERSION", "DB SIZE", "RAFT TERM", "RAFT INDEX",
            "RAFT APPLIED INDEX", "TOOK", "HASH");

    // lease contexts
    private static final Pattern LEASE_TEXT = Pattern.compile(
            "\\blease ([0-9a-f]+) (?=granted|keepalived|revoked|already expired|expired|not found)");
    private static final Pattern LEASE_JSON = Pattern.compile("\"(ID|id|lease)\":(\\d+)");
    private static final Pattern LEASE_FIELDS = Pattern.compile("^\"(ID|Lease)\" : (\\d+)$");
    private static final Pattern FOUND_LEASES = Pattern.compile("^found (\\d+) leases$");

    public String normalize(String transcript) {
        String text = transcript;
        if (!workDir.isEmpty()) text = text.replace(workDir, "<WORK>");
        if (!exactIds()) text = maskIds(text);
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        List<String> tableHeader = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            // tables: drop borders, re-render rows without padding, mask by column name
            if (line.startsWith("+-") && line.endsWith("+")) continue;
            if (line.startsWith("|") && line.endsWith("|")) {
                List<String> cells = cells(line);
                if (tableHeader == null) { // first row after a non-table line is the header
                    tableHeader = cells;
                } else {
                    for (int c = 0; c < cells.size() && c < tableHeader.size(); c++) {
                        if (MASKED_COLUMNS.contains(tableHeader.get(c))) cells.set(c, "<" + tableHeader.get(c) + ">");
                    }
                }
                out.add(leases(String.join(" | ", cells)));
                continue;
            }
            tableHeader = null;
            Matcher found = FOUND_LEASES.matcher(line);
            if (found.matches()) {
                out.add(line);
                int n = Integer.parseInt(found.group(1));
                List<String> ids = new ArrayList<>();
                for (int k = 0; k < n && i + 1 < lines.length; k++) {
                    ids.add(leaseToken(new BigInteger(lines[++i].trim(), 16)));
                }
                ids.sort(null);
                out.addAll(ids);
                continue;
            }
            out.add(normalizeLine(line));
        }
        return String.join("\n", out);
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        List<String> cells = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) cells.add(c.trim());
        return cells;
    }

    private String normalizeLine(String line) {
        String l = line;
        l = TS.matcher(l).replaceAll("\"ts\":<TS>");
        l = CLIENT_UUID.matcher(l).replaceAll("client-<UUID>");
        l = TOOK_JSON.matcher(l).replaceAll("\"took\":<TOOK>");
        l = TOOK_TEXT.matcher(l).replaceAll("took = <TOOK>");
        l = SIZE_JSON.matcher(l).replaceAll("\"size\":<SIZE>");
        l = JSON_NUM_MASKS.matcher(l).replaceAll(m -> "\"" + m.group(1) + "\":<" + m.group(1) + ">");
        l = JSON_VERSION_STRING.matcher(l).replaceAll("\"version\":<VERSION>");
        Matcher f = FIELDS_NUM_MASKS.matcher(l);
        if (f.matches()) l = "\"" + f.group(1) + "\" : <" + f.group(1) + ">";
        if (FIELDS_VERSION_STRING.matcher(l).matches()) l = "\"Version\" : <VERSION>";
        // attached keys of a lease come from a Go map in etcd: order is not meaningful, sort them
        l = ATTACHED_KEYS.matcher(l).replaceAll(m -> "attached keys([" + sortedJoin(m.group(1).split(" "), " ") + "])");
        if (l.contains("\"granted-ttl\"")) {
            l = JSON_KEYS.matcher(l).replaceAll(m -> "\"keys\":[" + sortedJoin(m.group(1).split(","), ",") + "]");
        }
        l = REMAINING.matcher(l).replaceAll("remaining(<R>s)");
        if (l.contains("\"granted-ttl\"")) l = TTL_JSON.matcher(l).replaceAll("\"ttl\":<R>");
        // endpoint status, simple: endpoint, id, version, db size, leader, learner, term, index, applied, errors
        String ep = Pattern.quote(endpoint);
        if (l.matches("^" + ep + ", [^,]+, [^,]+, [^,]+, (true|false), (true|false), \\d+, \\d+, \\d+, .*$")) {
            String[] p = l.split(", ", -1);
            p[2] = "<VERSION>";
            p[3] = "<DB SIZE>";
            p[6] = "<RAFT TERM>";
            p[7] = "<RAFT INDEX>";
            p[8] = "<RAFT APPLIED INDEX>";
            l = String.join(", ", p);
        }
        // endpoint hashkv, simple: endpoint, hash
        if (l.matches("^" + ep + ", \\d+$")) l = endpoint + ", <HASH>";
        return leases(l);
    }

    private static final Pattern ATTACHED_KEYS = Pattern.compile("attached keys\\(\\[([^\\]]*)\\]\\)");
    private static final Pattern JSON_KEYS = Pattern.compile("\"keys\":\\[([^\\]]*)\\]");

    private static String sortedJoin(String[] parts, String sep) {
        List<String> l = new ArrayList<>(List.of(parts));
        l.sort(null);
        return String.join(sep, l);
    }

    private String leases(String line) {
        String l = line;
        if (l.startsWith("$ ")) {
            // command line: replace tokens that are already known lease ids (hex), e.g. lease revoke <id>
            StringBuilder sb = new StringBuilder();
            Matcher m = Pattern.compile("(?<=[ =])([0-9a-f]+)(?=$| )").matcher(l);
            while (m.find()) {
                String tok = m.group(1);
                String rep = tok;
                // compare as numbers: etcdctl prints ids zero-padded (%016x), BigInteger.toString(16) does not
                BigInteger value = new BigInteger(tok, 16);
                for (Map.Entry<BigInteger, String> e : leases.entrySet()) {
                    if (e.getKey().equals(value)) rep = e.getValue();
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(rep));
            }
            m.appendTail(sb);
            return sb.toString();
        }
        l = LEASE_TEXT.matcher(l).replaceAll(m -> "lease " + leaseToken(new BigInteger(m.group(1), 16)) + " ");
        l = LEASE_JSON.matcher(l).replaceAll(m -> m.group(2).equals("0") || m.group(2).equals(memberIdDec) ? m.group()
                : "\"" + m.group(1) + "\":" + leaseToken(new BigInteger(m.group(2))));
        Matcher f = LEASE_FIELDS.matcher(l);
        if (f.matches() && !f.group(2).equals("0")) {
            l = "\"" + f.group(1) + "\" : " + leaseToken(new BigInteger(f.group(2)));
        }
        for (String prefix : leaseKeyPrefixes) {
            l = Pattern.compile("(?<![\\w/])" + Pattern.quote(prefix) + "/([0-9a-f]+)\\b").matcher(l)
                    .replaceAll(m -> prefix + "/" + leaseToken(new BigInteger(m.group(1), 16)));
        }
        return l;
    }

    private String leaseToken(BigInteger id) {
        return leases.computeIfAbsent(id, k -> "L" + (leases.size() + 1));
    }

    private String maskIds(String text) {
        String t = text;
        if (memberIdDec != null) {
            BigInteger m = new BigInteger(memberIdDec);
            t = t.replaceAll("\\b" + memberIdDec + "\\b", "<MEMBER_ID>");
            t = t.replaceAll("\\b" + m.toString(16) + "\\b", "<MEMBER_ID>");
        }
        if (clusterIdDec != null) {
            BigInteger c = new BigInteger(clusterIdDec);
            t = t.replaceAll("\\b" + clusterIdDec + "\\b", "<CLUSTER_ID>");
            t = t.replaceAll("\\b" + c.toString(16) + "\\b", "<CLUSTER_ID>");
        }
        return t;
    }

    /** A readable line diff (LCS based): lines prefixed "  " same, "- " etcd only, "+ " cairn only. */
    public static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--)
            for (int j = b.length - 1; j >= 0; j--)
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        StringBuilder sb = new StringBuilder();
        int i = 0, j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                sb.append("  ").append(a[i++]).append('\n');
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                sb.append("+ ").append(b[j++]).append('\n');
            } else {
                sb.append("- ").append(a[i++]).append('\n');
            }
        }
        return sb.toString();
    }
}
