package io.connwatch.notify.standin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate made by the JDK's keytool for a test: a PKCS#12 key store
 * holding key and certificate, and the certificate as PEM for the client to trust.
 *
 * @param keyStore the PKCS#12 file
 * @param password its password
 * @param pem      the certificate, PEM
 */
public record SelfSignedCert(Path keyStore, String password, Path pem) {
    /** Makes one in {@code dir} named {@code name}, valid for the subject alternative names {@code san} ({@code ip:127.0.0.1,dns:x}). */
    public static SelfSignedCert make(Path dir, String name, String san) throws IOException, InterruptedException,
        GeneralSecurityException {
        Path store = dir.resolve(name + ".p12");
        String password = "changeit-" + name;
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
            "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        Certificate cert = ks.getCertificate("server");
        Path pem = dir.resolve(name + ".pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return new SelfSignedCert(store, password, pem);
    }
}
