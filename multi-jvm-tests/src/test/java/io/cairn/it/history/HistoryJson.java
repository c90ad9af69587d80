package io.cairn.it.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-lines form of a history: one flat object per operation, e.g.
 * <pre>{"id":3,"client":1,"key":"k","kind":"CAS","expected":"a","new":"b","read":null,"casSucceeded":true,"invokeNanos":10,"completeNanos":20,"status":"OK"}</pre>
 * An INDETERMINATE operation has {@code "completeNanos":null} (+infinity). Hand-rolled (flat objects, strings,
 * integers, booleans, null) to keep the module free of a JSON dependency.
 */
public final class HistoryJson {

    private HistoryJson() { }

    public static void write(List<Operation> ops, Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Operation op : ops) {
                w.write(toJson(op));
                w.newLine();
            }
        }
    }

    public static List<Operation> read(Path file) throws IOException {
        List<Operation> ops = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) ops.add(fromJson(line));
        }
        return ops;
    }

    public static String toJson(Operation op) {
        return "{\"id\":" + op.id() + ",\"client\":" + op.clientId() + ",\"key\":" + str(op.key())
                + ",\"kind\":\"" + op.kind() + "\",\"expected\":" + str(op.expectedValue())
                + ",\"new\":" + str(op.newValue()) + ",\"read\":" + str(op.readValue())
                + ",\"casSucceeded\":" + op.casSucceeded() + ",\"invokeNanos\":" + op.invokeNanos()
                + ",\"completeNanos\":" + (op.isIndeterminate() ? "null" : Long.toString(op.completeNanos()))
                + ",\"status\":\"" + op.status() + "\"}";
    }

    public static Operation fromJson(String line) {
        Map<String, String> f = new FlatObjectParser(line).parse();
        String complete = f.get("completeNanos");
        return new Operation(Long.parseLong(f.get("id")), Integer.parseInt(f.get("client")), f.get("key"),
                Operation.Kind.valueOf(f.get("kind")), f.get("expected"), f.get("new"), f.get("read"),
                Boolean.parseBoolean(f.get("casSucceeded")), Long.parseLong(f.get("invokeNanos")),
                complete == null ? Operation.INFINITY_NANOS : Long.parseLong(complete),
                Operation.Status.valueOf(f.get("status")));
    }

    private static String str(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Parses one flat JSON object into field -> raw value (strings unescaped, null as Java null). */
    private static final class FlatObjectParser {
        private final String s;
        private int pos;

        FlatObjectParser(String s) {
            this.s = s;
        }

        Map<String, String> parse() {
            Map<String, String> fields = new HashMap<>();
            expect('{');
            skipSpace();
            if (peek() == '}') return fields;
            while (true) {
                skipSpace();
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                fields.put(name, value());
                skipSpace();
                if (peek() == ',') { pos++; continue; }
                expect('}');
                return fields;
            }
        }

        private String value() {
            if (peek() == '"') return string();
            int start = pos;
            while (pos < s.length() && ",} \t".indexOf(s.charAt(pos)) < 0) pos++;
            String raw = s.substring(start, pos);
            return raw.equals("null") ? null : raw;
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> { sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16)); pos += 4; }
                    default -> sb.append(e); // \" \\ \/
                }
            }
        }

        private char peek() {
            if (pos >= s.length()) throw new IllegalArgumentException("truncated JSON: " + s);
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in " + s);
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }
    }
}
