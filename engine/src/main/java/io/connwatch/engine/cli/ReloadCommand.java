package io.connwatch.engine.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Asks a running service to reload its rules (the same as SIGHUP) with an admin token, and prints the outcome. */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = {"Ask a running `connwatch run` to reload its rules now. Exit 0 when the new rules run,",
        "1 when they were refused (the old rules go on; the problems are printed), 2 when the service cannot be reached."})
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The service's HTTP address (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--token-file", defaultValue = "data/admin-token",
        description = {"A file holding a token with the admin role (default: ${DEFAULT-VALUE}, the one the service generates when",
            "no token is configured). The environment variable CONNWATCH_TOKEN, when set, is used instead."})
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        String token = System.getenv("CONNWATCH_TOKEN");
        if (token == null || token.isBlank()) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("no token: set CONNWATCH_TOKEN or give --token-file (cannot read " + tokenFile + ": "
                    + e.getClass().getSimpleName() + ")");
                return 2;
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(url.resolve("/admin/reload")).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token.strip())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("cannot reach " + url + ": " + e.getClass().getSimpleName());
            return 2;
        }
        (r.statusCode() == 200 ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(r.body());
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return r.statusCode() == 200 ? 0 : r.statusCode() == 422 ? 1 : 2;
    }
}
