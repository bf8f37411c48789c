package io.connwatch.engine.api.auth;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Who a request is signed in as: the token's name (never the token) and its roles. */
public record Principal(String name, Set<Role> roles) {
    public Principal {
        roles = Set.copyOf(roles);
    }

    /** Whether one of the roles grants {@code needed}. */
    public boolean may(Role needed) {
        return roles.stream().anyMatch(r -> r.grants(needed));
    }

    /** The roles' names in their declared order, for answers. */
    public List<String> roleNames() {
        return Stream.of(Role.values()).filter(roles::contains).map(Role::configName).toList();
    }
}
