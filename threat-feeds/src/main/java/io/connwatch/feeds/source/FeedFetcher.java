package io.connwatch.feeds.source;

import io.connwatch.feeds.FeedConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Gets a feed's bytes: a local file when its modification time or size changed, or an HTTP(S)
 * URL with a conditional request ({@code If-None-Match} / {@code If-Modified-Since}), a timeout
 * and a size limit. Gzip (by {@code Content-Encoding} or by content) is unpacked. Errors name the
 * feed and the source without query strings or header values, which may hold keys.
 */
public final class FeedFetcher {
    /** Made on the first URL feed: building a client sets up TLS (about 150 ms at start-up), which file feeds never need. */
    private HttpClient http;

    public FeedFetcher() {
    }

    public FeedFetcher(HttpClient http) {
        this.http = http;
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    /**
     * Checks the source.
     *
     * @param etag         the validator from the last good fetch, or null
     * @param lastModified the Last-Modified (or file time) from the last good fetch, or null
     */
    public FetchResult fetch(FeedConfig feed, String etag, String lastModified) throws FetchException {
        return feed.path() != null ? file(feed, lastModified) : http(feed, etag, lastModified);
    }

    private FetchResult file(FeedConfig feed, String lastModified) throws FetchException {
        try {
            FileTime time = Files.getLastModifiedTime(feed.path());
            long size = Files.size(feed.path());
            String stamp = time.toMillis() + ":" + size;
            if (stamp.equals(lastModified)) {
                return FetchResult.unchanged(null, stamp);
            }
            if (size > feed.maxBytes()) {
                throw new FetchException(feed.name() + ": " + feed.displaySource() + " is " + size + " bytes, over the "
                    + feed.maxBytes() + "-byte limit");
            }
            byte[] body;
            try (InputStream in = Files.newInputStream(feed.path())) {
                body = readLimited(feed, maybeGunzip(in));
            }
            return new FetchResult(true, body, null, stamp);
        } catch (IOException e) {
            throw new FetchException(feed.name() + ": cannot read " + feed.displaySource() + ": " + e, e);
        }
    }

    private FetchResult http(FeedConfig feed, String etag, String lastModified) throws FetchException {
        HttpRequest.Builder req = HttpRequest.newBuilder(feed.url()).timeout(feed.timeout()).GET()
            .header("Accept-Encoding", "gzip").header("User-Agent", "connwatch");
        for (Map.Entry<String, String> h : feed.headers().entrySet()) {
            req.header(h.getKey(), h.getValue());
        }
        if (etag != null) {
            req.header("If-None-Match", etag);
        }
        if (lastModified != null) {
            req.header("If-Modified-Since", lastModified);
        }
        String where = feed.name() + ": " + feed.displaySource();
        HttpResponse<InputStream> resp;
        try {
            resp = client().sendAsync(req.build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(feed.timeout().toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new FetchException(where + ": no answer within " + feed.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(where + ": interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new FetchException(where + ": timed out after " + feed.timeout());
            }
            throw new FetchException(where + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
                : ": " + cause.getMessage().replace(feed.url().toString(), feed.displaySource())));
        }
        int status = resp.statusCode();
        try (InputStream body = resp.body()) {
            if (status == 304) {
                return FetchResult.unchanged(etag, lastModified);
            }
            if (status != 200) {
                throw new FetchException(where + ": HTTP " + status);
            }
            long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > feed.maxBytes()) {
                throw new FetchException(where + ": " + declared + " bytes, over the " + feed.maxBytes() + "-byte limit");
            }
            boolean gzip = resp.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
            byte[] bytes = readLimited(feed, gzip ? new GZIPInputStream(body) : maybeGunzip(body));
            return new FetchResult(true, bytes, resp.headers().firstValue("ETag").orElse(null),
                resp.headers().firstValue("Last-Modified").orElse(null));
        } catch (IOException e) {
            throw new FetchException(where + ": reading the body failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        java.io.BufferedInputStream b = new java.io.BufferedInputStream(in);
        b.mark(2);
        int b1 = b.read();
        int b2 = b.read();
        b.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(b) : b;
    }

    private static byte[] readLimited(FeedConfig feed, InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > feed.maxBytes()) {
                throw new IOException("more than the " + feed.maxBytes() + "-byte limit");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
