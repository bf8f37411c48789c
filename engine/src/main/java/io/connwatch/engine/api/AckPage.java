package io.connwatch.engine.api;

import io.connwatch.alert.Notification.Acknowledgement;
import io.connwatch.lifecycle.dispatch.GroupDispatcher.AlertView;
import io.connwatch.lifecycle.dispatch.GroupDispatcher.GroupView;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML pages of a signed acknowledgement link: the confirmation page (the group's labels and
 * alerts, and a form that posts the link back with a comment), the result, and the refusals.
 * Every value from an alert is escaped, and every page is sent with a Content-Security-Policy that
 * allows no script, no resource and no form target but this server, no referrer and no caching.
 */
final class AckPage {
    /** The only style on the pages, allowed by its hash rather than by 'unsafe-inline'. */
    private static final String STYLE = "body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
        + "code{word-break:break-all}";
    static final String CSP = "default-src 'none'; style-src '" + sha256(STYLE) + "'; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'";
    /** Alerts listed on the confirmation page at most; the count says how many more. */
    static final int LISTED_ALERTS = 50;
    /** The longest text of an alert shown (a summary from a monitored host may be long). */
    static final int SHOWN_CHARS = 300;

    private AckPage() {
    }

    /** The confirmation page: what the link acknowledges, and the form that does it. */
    static String confirm(GroupView g, String gParam, String exp, String sig) {
        StringBuilder b = head("Acknowledge alert group");
        b.append("<h1>Acknowledge this alert group?</h1>\n");
        group(b, g);
        b.append("<form method=\"post\" action=\"ack\">\n")
            .append(hidden("g", gParam)).append(hidden("exp", exp)).append(hidden("sig", sig))
            .append("<p><label>Comment (optional)<br><textarea name=\"comment\" rows=\"3\" cols=\"60\" maxlength=\"")
            .append(LifecycleRoutes.MAX_LINK_COMMENT).append("\"></textarea></label></p>\n")
            .append("<p><button type=\"submit\">Acknowledge</button> Its repeats stop until it resolves; new alerts joining it "
                + "and its resolution are still sent.</p>\n</form>\n");
        b.append("<p>This link works until ").append(esc(Instant.ofEpochSecond(Long.parseLong(exp)).toString())).append(".</p>\n");
        return tail(b);
    }

    /** The page after the form: acknowledged, by whom and when. */
    static String done(GroupView g, Acknowledgement ack) {
        StringBuilder b = head("Alert group acknowledged");
        b.append("<h1>Acknowledged</h1>\n<p>Acknowledged by ").append(esc(ack.by())).append(" at ").append(esc(ack.at().toString()))
            .append(ack.comment().isEmpty() ? "" : ": " + esc(shorten(ack.comment()))).append(".</p>\n");
        if (g != null) {
            group(b, g);
        }
        return tail(b);
    }

    /** A refusal or a problem, as a page with one paragraph. */
    static String message(String title, String text) {
        StringBuilder b = head(title);
        b.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(text)).append("</p>\n");
        return tail(b);
    }

    /** Sends a page with the headers every one of them carries. */
    static void send(RoutingContext ctx, int status, String html) {
        ctx.response().setStatusCode(status)
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("Referrer-Policy", "no-referrer")
            .putHeader("Content-Security-Policy", CSP)
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("X-Frame-Options", "DENY")
            .end(html);
    }

    private static void group(StringBuilder b, GroupView g) {
        b.append("<h2>Group</h2>\n<table>\n");
        row(b, "route", g.route());
        for (Map.Entry<String, String> e : g.labels().entrySet()) {
            row(b, e.getKey(), e.getValue());
        }
        row(b, "receivers", String.join(", ", g.receivers()));
        if (g.ack() != null) {
            row(b, "acknowledged", "by " + g.ack().by() + " at " + g.ack().at() + (g.ack().comment().isEmpty() ? "" : ": " + g.ack().comment()));
        }
        b.append("</table>\n<h2>Alerts (").append(g.alerts().size()).append(")</h2>\n<table>\n")
            .append("<tr><th>state</th><th>severity</th><th>rule</th><th>computer</th><th>since</th><th>summary</th></tr>\n");
        int shown = 0;
        for (AlertView a : g.alerts()) {
            if (shown++ == LISTED_ALERTS) {
                break;
            }
            b.append("<tr><td>").append(esc(a.state().name().toLowerCase(Locale.ROOT)))
                .append("</td><td>").append(esc(a.alert().severity().label()))
                .append("</td><td>").append(esc(shorten(a.alert().rule())))
                .append("</td><td>").append(esc(shorten(a.alert().computer() != null ? a.alert().computer() : a.alert().machine())))
                .append("</td><td>").append(esc(String.valueOf(a.startsAt())))
                .append("</td><td>").append(esc(shorten(a.alert().summary()))).append("</td></tr>\n");
        }
        b.append("</table>\n");
        if (g.alerts().size() > LISTED_ALERTS) {
            b.append("<p>and ").append(g.alerts().size() - LISTED_ALERTS).append(" more.</p>\n");
        }
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(esc(shorten(name))).append("</th><td><code>").append(esc(shorten(value))).append("</code></td></tr>\n");
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + esc(value) + "\">\n";
    }

    private static StringBuilder head(String title) {
        return new StringBuilder(4096).append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<meta name=\"viewport\" content=\"width=device-width\"><title>connwatch: ").append(esc(title))
            .append("</title><style>").append(STYLE).append("</style></head><body>\n");
    }

    private static String tail(StringBuilder b) {
        return b.append("</body></html>\n").toString();
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "\u2026";
    }

    /** Text made safe for HTML element content and double- or single-quoted attributes; control characters shown as U+FFFD. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
