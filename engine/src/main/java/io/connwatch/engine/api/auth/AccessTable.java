package io.connwatch.engine.api.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who may call what: an ordered table of rows (method, path pattern, access); the first row that
 * matches a request decides. Patterns are paths whose segment {@code *} stands for one segment and
 * whose last segment {@code **} for any number of them (none included). A method {@code GET} also
 * matches {@code HEAD}; {@code *} matches every method. The last rows make every other read need
 * {@link Access#READ} and every other change need {@link Access#ADMIN}, so a new route is closed
 * until a row opens it.
 */
public final class AccessTable {
    /** What a request must bring. */
    public enum Access {
        /** Nothing: liveness, readiness and the console's login page. */
        PUBLIC,
        /** A valid token or session, whatever its roles. */
        SIGNED_IN,
        READ,
        OPERATE,
        INGEST,
        ADMIN;

        /** The role needed, or null for {@link #PUBLIC} and {@link #SIGNED_IN}. */
        public Role role() {
            return switch (this) {
                case PUBLIC, SIGNED_IN -> null;
                case READ -> Role.READ;
                case OPERATE -> Role.OPERATE;
                case INGEST -> Role.INGEST;
                case ADMIN -> Role.ADMIN;
            };
        }
    }

    /** One row: requests with this method (or {@code *}) on a path matching the pattern need {@code access}. */
    public record Row(String method, String pattern, Access access) {
        public Row {
            method = method.toUpperCase(Locale.ROOT);
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a path pattern starts with /: " + pattern);
            }
            int deep = pattern.indexOf("**");
            if (deep >= 0 && (deep != pattern.length() - 2 || !pattern.endsWith("/**"))) {
                throw new IllegalArgumentException("** may only be the last segment: " + pattern);
            }
        }

        boolean matches(String requestMethod, String path) {
            String m = requestMethod.toUpperCase(Locale.ROOT);
            if (!method.equals("*") && !method.equals(m) && !(method.equals("GET") && m.equals("HEAD"))) {
                return false;
            }
            return pathMatches(segments(pattern), segments(path));
        }
    }

    /** The service's table. Add rows for new routes here, above the two catch-all rows at the end. */
    public static final AccessTable DEFAULT = new AccessTable(List.of(
        new Row("GET", "/health", Access.PUBLIC),
        // readiness for orchestrators, as liveness: only "ready" or "not ready" (the reasons are in /stats)
        new Row("GET", "/ready", Access.PUBLIC),
        new Row("GET", "/console/login.html", Access.PUBLIC),
        new Row("GET", "/console/assets/**", Access.PUBLIC),
        // checks the token in its body itself, counting failures like the bearer check does
        new Row("POST", "/api/v1/session", Access.PUBLIC),
        new Row("GET", "/api/v1/session", Access.SIGNED_IN),
        new Row("DELETE", "/api/v1/session", Access.SIGNED_IN),
        // a signed acknowledgement link: the signature is the credential (Host and Origin are still checked)
        new Row("GET", "/ack", Access.PUBLIC),
        new Row("POST", "/ack", Access.PUBLIC),
        new Row("POST", "/ingest", Access.INGEST),
        new Row("GET", "/**", Access.READ),
        new Row("*", "/api/v1/silences/**", Access.OPERATE),
        new Row("*", "/api/v1/alerts/*/ack", Access.OPERATE),
        new Row("*", "/api/v1/groups/*/ack", Access.OPERATE),
        new Row("POST", "/admin/**", Access.ADMIN),
        new Row("*", "/**", Access.ADMIN)));

    private final List<Row> rows;

    public AccessTable(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The same table with {@code first} tried before its rows. */
    public AccessTable withRowsFirst(List<Row> first) {
        List<Row> all = new ArrayList<>(first);
        all.addAll(rows);
        return new AccessTable(all);
    }

    public List<Row> rows() {
        return rows;
    }

    /** What a request needs; {@link Access#ADMIN} when no row matches. */
    public Access access(String method, String path) {
        for (Row r : rows) {
            if (r.matches(method, path)) {
                return r.access();
            }
        }
        return Access.ADMIN;
    }

    /** The path's segments: a trailing slash does not count (the router serves {@code /stats/} as {@code /stats}). */
    private static List<String> segments(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> out = new ArrayList<>();
        if (p.equals("/") || p.isEmpty()) {
            return out;
        }
        for (String s : p.substring(1).split("/", -1)) {
            out.add(s);
        }
        return out;
    }

    private static boolean pathMatches(List<String> pattern, List<String> path) {
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.equals("**")) {
                return true;
            }
            if (i >= path.size() || !(p.equals("*") ? !path.get(i).isEmpty() : p.equals(path.get(i)))) {
                return false;
            }
        }
        return pattern.size() == path.size();
    }
}
