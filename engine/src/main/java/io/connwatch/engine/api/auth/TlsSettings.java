package io.connwatch.engine.api.auth;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/**
 * HTTPS for the API from PEM files: the server's certificate chain and key (PKCS#8 or PKCS#1),
 * and optionally the CAs whose client certificates are asked for or required. A client
 * certificate only admits the connection; requests still need a token or a session.
 *
 * @param clientCaFile the CAs client certificates must chain to; null when none are asked for
 * @param clientAuth   {@code NONE}, {@code REQUEST} (checked when given) or {@code REQUIRED}
 */
public record TlsSettings(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth) {
    /** The same server options serving HTTPS only (a plain HTTP request on the port fails its handshake). */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString()));
        if (clientCaFile != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(clientCaFile.toString()));
        }
        return options.setClientAuth(clientAuth);
    }
}
