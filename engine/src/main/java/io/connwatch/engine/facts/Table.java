package io.connwatch.engine.facts;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Azure tables connwatch reads records from, each by its exact Azure name. */
public enum Table {
    VM_CONNECTION("VMConnection"),
    VM_BOUND_PORT("VMBoundPort");

    private final String azureName;

    Table(String azureName) {
        this.azureName = azureName;
    }

    /** Azure's name of the table, e.g. {@code VMConnection}: the {@code Type} column's value. */
    public String azureName() {
        return azureName;
    }

    /** The table of exactly this Azure name, or empty for any other text (case matters). */
    public static Optional<Table> named(String name) {
        for (Table t : values()) {
            if (t.azureName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The names for an error message: {@code VMConnection or VMBoundPort}. */
    public static String choices() {
        return Arrays.stream(values()).map(Table::azureName).collect(Collectors.joining(" or "));
    }
}
