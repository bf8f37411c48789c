package io.connwatch.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Asks a running service to reload its rules (the same as SIGHUP) with an admin token, and prints the outcome. */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = {"Ask a running `connwatch run` to reload its rules now.",
        "The service's address and the token come from the configuration (http.host, http.port, http.tls,",
        "http.auth.admin-token-file) unless --url and --token-file are given; CONNWATCH_TOKEN overrides both.",
        "Exit 0 when the new rules run, 1 when they were refused (the old rules go on; the problems are printed),",
        "2 when the service cannot be reached. Needs a token with the admin role."})
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Mixin
    ServiceApi.Options service;

    @Override
    public Integer call() throws Exception {
        ServiceApi.Answer r;
        try {
            r = ServiceApi.of(config.load(), service).send("POST", "/admin/reload", null);
        } catch (ServiceApi.Unreachable e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        (r.status() == 200 ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(r.body());
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return r.status() == 200 ? 0 : r.status() == 422 ? 1 : 2;
    }
}
